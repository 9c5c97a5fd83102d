using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Axq;
using NUnit.Framework;
using static Axq.Tests.TestSupport;

namespace Axq.Tests {

/// Importance matrices, weighted quantization, K-quants and llama.cpp's mixes.
[TestFixture]
public class ImatrixTests : WithScratchDir {

  /// Normal deviates (Box-Muller over a seeded Random).
  static float[] Gaussian(int n, int seed) {
    var r = new Random(seed);
    var v = new float[n];
    for (int i = 0; i < n; ++i) {
      double u1 = 1.0 - r.NextDouble(), u2 = r.NextDouble();
      v[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
    return v;
  }

  static double RelativeRms(float[] want, float[] got) {
    double num = 0, den = 0;
    for (int i = 0; i < want.Length; ++i) {
      num += ((double)got[i] - want[i]) * ((double)got[i] - want[i]);
      den += (double)want[i] * want[i];
    }
    return Math.Sqrt(num / den);
  }

  static double WeightedSse(float[] want, float[] got, float[] importance) {
    double s = 0;
    for (int i = 0; i < want.Length; ++i) {
      double d = (double)got[i] - want[i];
      s += importance[i % importance.Length] * d * d;
    }
    return s;
  }

  /// Every seventh column weighs 1000 times more.
  static float[] SkewedImportance(int n) => Enumerable.Range(0, n).Select(j => j % 7 == 0 ? 100f : 0.1f).ToArray();

  static float[] Dequantized(Tensor q) {
    using (Tensor d = q.Dequantize()) return d.ToFloats();
  }

  [Test]
  public void KQuantsRoundTrip() {
    const int cols = 256, rows = 8;
    float[] src = Gaussian(cols * rows, 11);
    // About 10 % above what 0.5.0 measures on this data; smaller errors with more bits.
    AxqType[] types = { AxqType.Q2_K, AxqType.Q3_K, AxqType.Q4_K, AxqType.Q5_K, AxqType.Q6_K };
    double[] bounds = { 0.33, 0.17, 0.08, 0.04, 0.02 };
    double previous = double.PositiveInfinity;
    using (Tensor x = Tensor.FromFloats(src, cols, rows)) {
      for (int i = 0; i < types.Length; ++i) {
        using (Tensor q = x.Quantize(types[i])) {
          Assert.AreEqual(types[i], q.Type);
          CollectionAssert.AreEqual(new long[] { cols, rows }, q.Dims);
          Assert.AreEqual(rows * Quantizer.RowSize(types[i], cols), q.ByteCount);
          double err = RelativeRms(src, Dequantized(q));
          Assert.That(err < bounds[i] && err < previous, "{0}: relative RMS error {1}", types[i], err);
          previous = err;
        }
      }
    }
  }

  [Test]
  public void WeightedQ4KQuantization() {
    const int cols = 256, rows = 4;
    float[] src = Gaussian(cols * rows, 12);
    float[] imp = SkewedImportance(cols);
    using (Tensor x = Tensor.FromFloats(src, cols, rows))
    using (Tensor plain = x.Quantize(AxqType.Q4_K))
    using (Tensor weighted = x.Quantize(AxqType.Q4_K, imp))
    using (Tensor oneThread = x.Quantize(AxqType.Q4_K, imp, threads: 1))
    using (Tensor none = x.Quantize(AxqType.Q4_K, (float[])null)) {
      CollectionAssert.AreNotEqual(plain.ToBytes(), weighted.ToBytes(), "importance changed no byte");
      CollectionAssert.AreEqual(weighted.ToBytes(), oneThread.ToBytes());
      CollectionAssert.AreEqual(plain.ToBytes(), none.ToBytes());
      float[] plainBack = Dequantized(plain), weightedBack = Dequantized(weighted);
      double pw = WeightedSse(src, plainBack, imp), ww = WeightedSse(src, weightedBack, imp);
      Assert.That(ww < pw, "weighted error with importance {0} >= without {1}", ww, pw);

      QuantReport report = QuantReport.Of(x, AxqType.Q4_K, imp);
      Assert.AreEqual(ErrorStats.Compare(src, weightedBack).Mse, report.Error.Mse);
      Assert.AreEqual(weighted.ByteCount, report.Bytes);
      Assert.AreEqual(ErrorStats.Compare(src, plainBack).Mse, QuantReport.Of(x, AxqType.Q4_K, (float[])null).Error.Mse);

      float[] nan = (float[])imp.Clone();
      nan[3] = float.NaN;
      float[] negative = (float[])imp.Clone();
      negative[0] = -1;
      foreach (float[] bad in new[] { imp.Take(255).ToArray(), nan, negative }) {
        Expect(AxqStatus.InvalidArgument, "importance", () => x.Quantize(AxqType.Q4_K, bad));
        Expect(AxqStatus.InvalidArgument, "importance", () => QuantReport.Of(x, AxqType.Q4_K, bad));
      }
      Expect(AxqStatus.InvalidArgument, "importance: empty", () => x.Quantize(AxqType.Q4_K, new float[0]));
    }
  }

  [Test]
  public void ImatrixAccumulateSaveLoad() {
    const int cols = 256;
    float[] a = Gaussian(3 * cols, 13), b = Gaussian(2 * cols, 14);
    using (Imatrix im = Imatrix.Create()) {
      Assert.AreEqual(0, im.Count);
      im.Accumulate("blk.0.attn_q.weight", a, 3, cols);
      im.Accumulate("blk.0.attn_q.weight", b, 2, cols);
      im.Accumulate("a.weight", new float[] { 1, 2, 3, 4 }, 1, 4);
      Assert.AreEqual(2, im.Count);
      CollectionAssert.AreEqual(new[] { "a.weight", "blk.0.attn_q.weight" }, im.Names);
      Assert.AreEqual(cols, im.Columns("blk.0.attn_q.weight"));

      // Importance = (f32) sum of squares / rows, the sums kept in double.
      float[] want = new float[cols];
      for (int j = 0; j < cols; ++j) {
        double s = 0;
        foreach (float[] rows in new[] { a, b }) {
          for (int r = 0; r < rows.Length / cols; ++r) s += (double)rows[r * cols + j] * rows[r * cols + j];
        }
        want[j] = (float)s / 5f;
      }
      AssertSameBits(want, im.Values("blk.0.attn_q.weight"));
      AssertSameBits(new float[] { 1, 4, 9, 16 }, im.Values("a.weight"));

      string path = Path.Combine(dir, "imatrix.gguf");
      im.Save(path);
      using (Imatrix loaded = Imatrix.Load(path)) {
        CollectionAssert.AreEqual(im.Names, loaded.Names);
        foreach (string name in im.Names) AssertSameBits(im.Values(name), loaded.Values(name));
      }
    }
  }

  [Test]
  public void ImatrixErrors() {
    Imatrix im = Imatrix.Create();
    string path = Path.Combine(dir, "imatrix.gguf");
    Expect(AxqStatus.InvalidArgument, "", () => im.Save(path));
    im.Accumulate("w.weight", Gaussian(8, 15), 2, 4);
    Expect(AxqStatus.InvalidArgument, "w.weight", () => im.Accumulate("w.weight", Gaussian(8, 16), 1, 8));
    Expect(AxqStatus.InvalidArgument, "x: 5 values", () => im.Accumulate("w.weight", Gaussian(5, 16), 2, 4));
    Expect(AxqStatus.NonFinite, "", () => im.Accumulate("w.weight", new float[] { 1, float.PositiveInfinity, 0, 0 }, 1, 4));
    Expect(AxqStatus.InvalidArgument, "name", () => im.Accumulate("", new float[] { 1 }, 1, 1));
    Expect(AxqStatus.InvalidArgument, "no.such.weight", () => im.Columns("no.such.weight"));
    Expect(AxqStatus.InvalidArgument, "no.such.weight", () => im.Values("no.such.weight"));
    Assert.AreEqual(4, im.Values("w.weight").Length);  // the failed calls changed nothing
    Expect(AxqStatus.IO, "", () => Imatrix.Load(Path.Combine(dir, "missing.gguf")));
    im.Dispose();
    im.Dispose();
    Assert.Throws<ObjectDisposedException>(() => { long n = im.Count; });
    Assert.Throws<ObjectDisposedException>(() => im.Values("w.weight"));
  }

  [Test]
  public void MixNames() {
    Assert.AreEqual(Mix.Q4_K_M, Quantizer.ParseMix("q4_k_m"));
    Assert.AreEqual("Q4_K_M", Quantizer.MixName(Mix.Q4_K_M));
    foreach (Mix m in Enum.GetValues(typeof(Mix))) {
      if (m == Mix.None) continue;
      Assert.AreEqual(m.ToString(), Quantizer.MixName(m));
      Assert.AreEqual(m, Quantizer.ParseMix(Quantizer.MixName(m)));
    }
    Assert.AreEqual(-1, (int)Mix.None);
    Assert.IsNull(Quantizer.MixName(Mix.None));
    Expect(AxqStatus.UnknownType, "Q9_K_X", () => Quantizer.ParseMix("Q9_K_X"));
  }

  /// A one-layer model with llama.cpp's tensor names, rows of 256.
  static Model MixModel() {
    var specs = new List<KeyValuePair<string, long[]>> {
      new KeyValuePair<string, long[]>("token_embd.weight", new long[] { 256, 8 }),
      new KeyValuePair<string, long[]>("output_norm.weight", new long[] { 256 }),
      new KeyValuePair<string, long[]>("output.weight", new long[] { 256, 8 }),
      new KeyValuePair<string, long[]>("blk.0.attn_norm.weight", new long[] { 256 }),
      new KeyValuePair<string, long[]>("blk.0.attn_q.weight", new long[] { 256, 16 }),
      new KeyValuePair<string, long[]>("blk.0.attn_v.weight", new long[] { 256, 16 }),
      new KeyValuePair<string, long[]>("blk.0.ffn_down.weight", new long[] { 256, 16 }),
    };
    Model m = Model.Create();
    int seed = 20;
    foreach (var spec in specs) {
      int n = (int)spec.Value.Aggregate(1L, (p, d) => p * d);
      using (Tensor t = Tensor.FromFloats(Gaussian(n, seed++), spec.Value)) m.Add(spec.Key, t);
    }
    return m;
  }

  static AxqType TypeOf(Model m, string name) {
    using (Tensor t = m.GetTensor(name)) return t.Type;
  }

  static byte[] BytesOf(Model m, string name) {
    using (Tensor t = m.GetTensor(name)) return t.ToBytes();
  }

  [Test]
  public void ModelQuantizeWithMixAndImatrix() {
    var want = new Dictionary<string, AxqType> {
      { "token_embd.weight", AxqType.Q4_K },
      { "output_norm.weight", AxqType.F32 },
      { "output.weight", AxqType.Q6_K },
      { "blk.0.attn_norm.weight", AxqType.F32 },
      { "blk.0.attn_q.weight", AxqType.Q4_K },
      // The only layer is in llama.cpp's "more bits" set.
      { "blk.0.attn_v.weight", AxqType.Q6_K },
      { "blk.0.ffn_down.weight", AxqType.Q6_K },
    };
    float[] acts = Gaussian(4 * 256, 30);
    for (int j = 0; j < 256; j += 5) {
      for (int r = 0; r < 4; ++r) acts[r * 256 + j] *= 20;
    }
    const string attnQ = "blk.0.attn_q.weight";
    using (Model m = MixModel())
    using (Imatrix im = Imatrix.Create()) {
      im.Accumulate(attnQ, acts, 4, 256);
      Assert.AreEqual(Mix.None, new QuantizeOptions().Mix);
      Assert.IsNull(new QuantizeOptions().Imatrix);
      var mixOnly = new QuantizeOptions { Mix = Mix.Q4_K_M, Type = AxqType.Q8_0 };
      var withImatrix = new QuantizeOptions { Mix = Mix.Q4_K_M, Imatrix = im };
      using (Model q = m.Quantize(mixOnly))
      using (Model wq = m.Quantize(withImatrix))
      using (Tensor src = m.GetTensor(attnQ))
      using (Tensor direct = src.Quantize(AxqType.Q4_K, im.Values(attnQ))) {
        foreach (var e in want) {
          Assert.AreEqual(e.Value, TypeOf(q, e.Key), e.Key);
          Assert.AreEqual(e.Value, TypeOf(wq, e.Key), e.Key);
        }
        // The entry changes its tensor only, exactly as quantizing it with the entry's values does.
        CollectionAssert.AreNotEqual(BytesOf(q, attnQ), BytesOf(wq, attnQ));
        CollectionAssert.AreEqual(direct.ToBytes(), BytesOf(wq, attnQ));
        CollectionAssert.AreEqual(BytesOf(q, "blk.0.attn_v.weight"), BytesOf(wq, "blk.0.attn_v.weight"));

        // The same through files.
        string input = Path.Combine(dir, "in.gguf"), output = Path.Combine(dir, "out.gguf");
        m.Save(input);
        Model.QuantizeFile(output, input, withImatrix);
        using (Model fq = Model.Load(output)) {
          foreach (var e in want) {
            Assert.AreEqual(e.Value, TypeOf(fq, e.Key), e.Key);
            CollectionAssert.AreEqual(BytesOf(wq, e.Key), BytesOf(fq, e.Key), e.Key);
          }
        }

        // An entry of the wrong size names the tensor; a disposed imatrix cannot be used.
        Imatrix bad = Imatrix.Create();
        bad.Accumulate(attnQ, Gaussian(128, 31), 1, 128);
        var badOptions = new QuantizeOptions { Mix = Mix.Q4_K_M, Imatrix = bad };
        Expect(AxqStatus.InvalidArgument, attnQ, () => m.Quantize(badOptions));
        bad.Dispose();
        Assert.Throws<ObjectDisposedException>(() => m.Quantize(badOptions));
        Assert.Throws<ObjectDisposedException>(() => Model.QuantizeFile(output, input, badOptions));
        Expect(AxqStatus.UnknownType, "99", () => m.Quantize(new QuantizeOptions { Mix = (Mix)99 }));
      }
    }
  }
}

}
