using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Axq;
using NUnit.Framework;
using static Axq.Tests.TestSupport;

namespace Axq.Tests {

[TestFixture]
public class LinearModelTests : WithScratchDir {

  static float[] Wave(int n, double step, double scale) =>
      Enumerable.Range(0, n).Select(i => (float)(Math.Sin(i * step + 0.3) * scale)).ToArray();

  /// y = x W^T + b in double, W of out rows of in.
  static double[] Product(float[] w, float[] x, float[] bias, int out_, int in_) {
    int batch = x.Length / in_;
    double[] y = new double[batch * out_];
    for (int b = 0; b < batch; ++b) {
      for (int o = 0; o < out_; ++o) {
        double s = bias != null ? bias[o] : 0;
        for (int i = 0; i < in_; ++i) s += (double)w[o * in_ + i] * x[b * in_ + i];
        y[b * out_ + o] = s;
      }
    }
    return y;
  }

  static double RelativeRms(double[] want, float[] got) {
    Assert.AreEqual(want.Length, got.Length);
    double num = 0, den = 0;
    for (int i = 0; i < want.Length; ++i) {
      num += (got[i] - want[i]) * (got[i] - want[i]);
      den += want[i] * want[i];
    }
    return Math.Sqrt(num / den);
  }

  [Test]
  public void LinearQ8MatchesF32Product() {
    const int out_ = 8, in_ = 64, batch = 3;
    float[] w = Wave(out_ * in_, 0.37, 0.1);
    float[] x = Wave(batch * in_, 0.11, 1.0);
    float[] bias = Enumerable.Range(0, out_).Select(o => 0.25f * o - 1.0f).ToArray();
    using (Linear layer = Linear.Create(AxqType.Q8_0, w, out_, in_, bias))
    using (Linear plain = Linear.Create(AxqType.Q8_0, w, out_, in_, null, new LinearOptions { Threads = 1 })) {
      float[] y = layer.Forward(x);
      Assert.AreEqual(batch * out_, y.Length);
      double err = RelativeRms(Product(w, x, bias, out_, in_), y);
      Assert.Less(err, 0.02);
      Assert.Greater(err, 0.0, "exactly 0: not quantized?");

      // The bias is added after the product, in f32.
      float[] noBias = plain.Forward(x);
      AssertSameBits(noBias.Select((v, i) => v + bias[i % out_]).ToArray(), y);
      float[] into = new float[batch * out_];
      layer.Forward(x, into, threads: 2);
      AssertSameBits(y, into);

      Assert.AreEqual(AxqType.Q8_0, layer.Type);
      Assert.AreEqual(in_, layer.InFeatures);
      Assert.AreEqual(out_, layer.OutFeatures);
      Assert.IsTrue(layer.HasBias);
      Assert.IsFalse(plain.HasBias);
      Assert.AreEqual(out_ * (in_ / 32) * 34, layer.WeightBytes);
      Assert.AreEqual(8.5, layer.BitsPerWeight, 1e-12);
      Assert.AreEqual(32.0 / 8.5, layer.CompressionRatio, 1e-12);

      using (Tensor weight = layer.GetWeight()) {
        Assert.AreEqual(AxqType.Q8_0, weight.Type);
        CollectionAssert.AreEqual(new long[] { in_, out_ }, weight.Dims);
        CollectionAssert.AreEqual(Quantizer.QuantizeRow(AxqType.Q8_0, w), weight.ToBytes());
      }

      Expect(AxqStatus.InvalidArgument, "x_count", () => layer.Forward(new float[in_ + 1]));
      Expect(AxqStatus.InvalidArgument, "y_count", () => layer.Forward(x, new float[out_]));
      Expect(AxqStatus.InvalidArgument, "bias", () => Linear.Create(AxqType.Q8_0, w, out_, in_, new float[out_ - 1]));
      Expect(AxqStatus.InvalidArgument, "weight", () => Linear.Create(AxqType.Q8_0, w, out_ + 1, in_));
      float[] badBias = (float[])bias.Clone();
      badBias[3] = float.NaN;
      Expect(AxqStatus.NonFinite, "bias[3]", () => Linear.Create(AxqType.Q8_0, w, out_, in_, badBias));
      Expect(AxqStatus.InvalidArgument, "positive", () => Linear.Create(AxqType.Q8_0, w, out_, 0));
      Assert.Throws<ArgumentNullException>(() => layer.Forward(null));
    }
  }

  [Test]
  public void LinearSizeFiguresAndFallback() {
    const int out_ = 8;
    using (Linear q4 = Linear.Create(AxqType.Q4_0, Wave(out_ * 64, 0.2, 0.5), out_, 64)) {
      Assert.AreEqual(AxqType.Q4_0, q4.Type);
      Assert.AreEqual(out_ * 2 * 18, q4.WeightBytes);
      Assert.AreEqual(4.5, q4.BitsPerWeight, 1e-12);
      Assert.AreEqual(32.0 / 4.5, q4.CompressionRatio, 1e-12);
    }

    const int in_ = 100;
    float[] w = Wave(out_ * in_, 0.2, 0.5);
    Expect(AxqStatus.InvalidArgument, "96 and 128", () => Linear.Create(AxqType.Q4_0, w, out_, in_));
    using (Linear f16 = Linear.Create(AxqType.Q4_0, w, out_, in_, null, new LinearOptions { FallbackType = AxqType.F16 })) {
      Assert.AreEqual(AxqType.F16, f16.Type);
      Assert.AreEqual(in_, f16.InFeatures);
      Assert.AreEqual(out_ * in_ * 2, f16.WeightBytes);
      Assert.AreEqual(16.0, f16.BitsPerWeight, 1e-12);
      Assert.AreEqual(2.0, f16.CompressionRatio, 1e-12);
      float[] x = Wave(2 * in_, 0.05, 1.0);
      Assert.Less(RelativeRms(Product(w, x, null, out_, in_), f16.Forward(x)), 2e-3);
    }
    Expect(AxqStatus.InvalidArgument, "q8_0",
           () => Linear.Create(AxqType.Q4_0, w, out_, in_, null, new LinearOptions { FallbackType = AxqType.Q8_0 }));
  }

  [Test]
  public void LinearDispose() {
    Linear layer = Linear.Create(AxqType.F32, Wave(4 * 3, 0.5, 1.0), 4, 3);
    CollectionAssert.AreEqual(new float[4], layer.Forward(new float[3]));
    layer.Dispose();
    layer.Dispose();  // idempotent
    Assert.Throws<ObjectDisposedException>(() => layer.Forward(new float[3]));
  }

  const int Norm = 64, Row = 64, Rows = 8;

  static Model TwoTensors() {
    Model m = Model.Create();
    using (Tensor norm = Tensor.FromFloats(Wave(Norm, 0.3, 1.0), Norm))
    using (Tensor w = Tensor.FromFloats(Wave(Row * Rows, 0.07, 0.2), Row, Rows)) {
      m.Add("x.norm.weight", norm);
      m.Add("blk.0.w.weight", w);
    }
    return m;
  }

  static AxqType TypeOf(Model m, string name) {
    using (Tensor t = m.GetTensor(name)) return t.Type;
  }

  static QuantizeOptions NormF32WQ8() =>
      new QuantizeOptions { Type = AxqType.Q4_0, Rules = new List<string> { "*norm*=f32", "*w*=q8_0" } };

  [Test]
  public void ModelQuantizeWithRules() {
    using (Model m = TwoTensors()) {
      Assert.AreEqual(2, m.TensorCount);
      CollectionAssert.AreEqual(new[] { "x.norm.weight", "blk.0.w.weight" }, m.Names);
      ModelSummary f32 = m.Summary;
      Assert.AreEqual(2, f32.TensorCount);
      Assert.AreEqual(0, f32.QuantizedTensorCount);
      Assert.AreEqual(Norm + Row * Rows, f32.Params);
      Assert.AreEqual(4 * f32.Params, f32.F32Bytes);
      Assert.AreEqual(f32.F32Bytes, f32.Bytes);
      Assert.AreEqual(1.0, f32.CompressionRatio, 1e-12);
      Assert.AreEqual(32.0, f32.BitsPerWeight, 1e-12);

      // No rule: a 1-D tensor keeps its type, the matrix gets Type.
      using (Model q = m.Quantize()) {
        Assert.AreEqual(AxqType.F32, TypeOf(q, "x.norm.weight"));
        Assert.AreEqual(AxqType.Q4_0, TypeOf(q, "blk.0.w.weight"));
      }
      // "*w*" is an fnmatch glob over the whole name: "x.norm.weight"
      // contains a 'w' too, so a matching rule overrides the 1-D rule.
      using (Model q = m.Quantize(new QuantizeOptions { Rules = new List<string> { "*w*=q8_0" } })) {
        Assert.AreEqual(AxqType.Q8_0, TypeOf(q, "x.norm.weight"));
        Assert.AreEqual(AxqType.Q8_0, TypeOf(q, "blk.0.w.weight"));
      }
      // First match wins: the norm rule keeps it f32.
      QuantizeOptions opts = NormF32WQ8();
      opts.Threads = 1;
      using (Model q = m.Quantize(opts)) {
        Assert.AreEqual(AxqType.F32, TypeOf(q, "x.norm.weight"));
        Assert.AreEqual(AxqType.Q8_0, TypeOf(q, "blk.0.w.weight"));
        using (Tensor norm = m.GetTensor("x.norm.weight"))
        using (Tensor qnorm = q.GetTensor("x.norm.weight")) {
          CollectionAssert.AreEqual(norm.ToBytes(), qnorm.ToBytes());
        }
        using (Tensor w = m.GetTensor("blk.0.w.weight"))
        using (Tensor qw = q.GetTensor("blk.0.w.weight")) {
          CollectionAssert.AreEqual(new long[] { Row, Rows }, qw.Dims);
          CollectionAssert.AreEqual(Quantizer.QuantizeRow(AxqType.Q8_0, w.ToFloats()), qw.ToBytes());
        }
        ModelSummary s = q.Summary;
        long bytes = 4 * Norm + Rows * (Row / 32) * 34;
        Assert.AreEqual(2, s.TensorCount);
        Assert.AreEqual(1, s.QuantizedTensorCount);
        Assert.AreEqual(Norm + Row * Rows, s.Params);
        Assert.AreEqual(4 * s.Params, s.F32Bytes);
        Assert.AreEqual(bytes, s.Bytes);
        Assert.AreEqual((double)s.F32Bytes / bytes, s.CompressionRatio, 1e-12);
        Assert.AreEqual(8.0 * bytes / s.Params, s.BitsPerWeight, 1e-12);
        StringAssert.Contains("1 quantized", s.ToString());
      }

      Expect(AxqStatus.InvalidArgument, "GLOB=TYPE",
             () => m.Quantize(new QuantizeOptions { Rules = new List<string> { "no equals sign" } }));
      Expect(AxqStatus.UnknownType, "q9_9", () => m.Quantize(new QuantizeOptions { Rules = new List<string> { "*=q9_9" } }));
      foreach (string bad in new[] { "a=q8_0;b=q4_0", "a=q8_0\nb=q4_0" }) {
        var e = Assert.Throws<ArgumentException>(() => m.Quantize(new QuantizeOptions { Rules = new List<string> { bad } }));
        StringAssert.Contains("must not contain", e.Message);
      }
    }
  }

  [Test]
  public void ModelTensorsAndErrors() {
    using (Model m = TwoTensors()) {
      using (Tensor again = Tensor.FromFloats(new float[32], 32)) {
        Expect(AxqStatus.InvalidArgument, "x.norm.weight", () => m.Add("x.norm.weight", again));
      }
      Assert.AreEqual(2, m.TensorCount);
      Expect(AxqStatus.InvalidArgument, "no.such.tensor", () => m.GetTensor("no.such.tensor"));
      Expect(AxqStatus.InvalidArgument, "no.such.tensor", () => m.Dequantize("no.such.tensor"));
      using (Model q = m.Quantize(new QuantizeOptions { Type = AxqType.Q8_0 }))
      using (Tensor w = m.GetTensor("blk.0.w.weight"))
      using (Tensor qw = q.GetTensor("blk.0.w.weight"))
      using (Tensor back = q.Dequantize("blk.0.w.weight", Row, Rows))
      using (Tensor any = q.Dequantize("blk.0.w.weight")) {
        Assert.AreEqual(AxqType.F32, back.Type);
        CollectionAssert.AreEqual(new long[] { Row, Rows }, back.Dims);
        AssertSameBits(Quantizer.DequantizeRow(AxqType.Q8_0, qw.ToBytes(), Row * Rows), back.ToFloats());
        AssertSameBits(back.ToFloats(), any.ToFloats());
        float[] orig = w.ToFloats(), got = back.ToFloats();
        for (int i = 0; i < orig.Length; ++i) Assert.AreEqual(orig[i], got[i], 0.2 / 127);
        Expect(AxqStatus.InvalidArgument, "blk.0.w.weight", () => q.Dequantize("blk.0.w.weight", Rows, Row));
        Expect(AxqStatus.InvalidArgument, "blk.0.w.weight", () => q.Dequantize("blk.0.w.weight", Row * Rows));
      }
      // The tensor handed out is a copy: disposing it leaves the model whole.
      m.GetTensor("x.norm.weight").Dispose();
      using (Tensor norm = m.GetTensor("x.norm.weight")) {
        AssertSameBits(Wave(Norm, 0.3, 1.0), norm.ToFloats());
      }
    }
    Model disposed = Model.Create();
    disposed.Dispose();
    disposed.Dispose();
    Assert.Throws<ObjectDisposedException>(() => { long n = disposed.TensorCount; });
  }

  [Test]
  public void ModelFiles() {
    string f32Path = Path.Combine(dir, "f32.gguf");
    string q8Path = Path.Combine(dir, "q8.gguf");
    string backPath = Path.Combine(dir, "back.gguf");
    QuantizeOptions opts = NormF32WQ8();
    using (Model m = TwoTensors())
    using (Model q = m.Quantize(opts)) {
      m.Save(f32Path);
      using (Model loaded = Model.Load(f32Path)) {
        CollectionAssert.AreEqual(m.Names, loaded.Names);
        foreach (string name in m.Names) {
          using (Tensor a = m.GetTensor(name))
          using (Tensor b = loaded.GetTensor(name)) {
            Assert.AreEqual(a.Type, b.Type);
            CollectionAssert.AreEqual(a.Dims, b.Dims);
            CollectionAssert.AreEqual(a.ToBytes(), b.ToBytes());
          }
        }
      }

      // File to file gives the same tensors as in memory.
      Model.QuantizeFile(q8Path, f32Path, opts);
      using (Model fromFile = Model.Load(q8Path)) {
        CollectionAssert.AreEqual(q.Names, fromFile.Names);
        foreach (string name in q.Names) {
          using (Tensor a = q.GetTensor(name))
          using (Tensor b = fromFile.GetTensor(name)) {
            Assert.AreEqual(a.Type, b.Type);
            CollectionAssert.AreEqual(a.ToBytes(), b.ToBytes());
          }
        }
      }

      Model.DequantizeFile(backPath, q8Path, AxqType.F32, threads: 1);
      using (Model back = Model.Load(backPath)) {
        Assert.AreEqual(0, back.Summary.QuantizedTensorCount);
        foreach (string name in q.Names) {
          using (Tensor want = q.Dequantize(name))
          using (Tensor got = back.GetTensor(name)) {
            Assert.AreEqual(AxqType.F32, got.Type);
            AssertSameBits(want.ToFloats(), got.ToFloats());
          }
        }
      }
    }
    // AXQT for AxonML: one type throughout, positional names.
    string axqtPath = Path.Combine(dir, "m.axqt");
    Model.QuantizeFile(axqtPath, f32Path, new QuantizeOptions { Type = AxqType.Q8_0, OutputFormat = FileFormat.Axqt });
    using (Model axqt = Model.Load(axqtPath))
    using (Tensor t = axqt.GetTensor("tensor.1")) {
      CollectionAssert.AreEqual(new[] { "tensor.0", "tensor.1" }, axqt.Names);
      Assert.AreEqual(AxqType.Q8_0, t.Type);
    }
    Expect(AxqStatus.InvalidArgument, "rules", () => Model.QuantizeFile(axqtPath, f32Path,
        new QuantizeOptions { Rules = new List<string> { "*=f32" }, OutputFormat = FileFormat.Axqt }));

    string missing = Path.Combine(dir, "missing.gguf");
    Expect(AxqStatus.IO, "missing.gguf", () => Model.Load(missing));
    Expect(AxqStatus.IO, "missing.gguf", () => Model.QuantizeFile(q8Path + ".x", missing));
    Expect(AxqStatus.InvalidArgument, "q4_0", () => Model.DequantizeFile(backPath, q8Path, AxqType.Q4_0));
    Assert.IsFalse(File.Exists(q8Path + ".x"));
  }
}

}
