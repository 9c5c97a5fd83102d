using System;
using System.Linq;
using Axq;
using NUnit.Framework;
using static Axq.Tests.TestSupport;

namespace Axq.Tests {

[TestFixture]
public class ToolkitTests {

  static float[] Gaussian(int n, int seed) {
    var r = new Random(seed);
    return Enumerable.Range(0, n).Select(_ => {
      double u = 1 - r.NextDouble(), v = r.NextDouble();
      return (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
    }).ToArray();
  }

  [Test]
  public void ErrorStatsValues() {
    float[] reference = {1, 2, 3, 4};
    float[] approx = {1.5f, 2, 2, 4};
    ErrorStats s = ErrorStats.Compare(reference, approx);
    Assert.AreEqual(4, s.Count);
    Assert.AreEqual(0.3125, s.Mse);
    Assert.AreEqual(Math.Sqrt(0.3125), s.Rmse, 1e-12);
    Assert.AreEqual(0.375, s.Mae);
    Assert.AreEqual(1.0, s.MaxAbsError);
    Assert.AreEqual(10 * Math.Log10(30 / 1.25), s.SqnrDb, 1e-9);
    Assert.AreEqual(27.5 / Math.Sqrt(30 * 26.25), s.Cosine, 1e-12);
    Assert.AreEqual(0.1, s.OutlierThreshold);
    Assert.AreEqual(0.5, s.OutlierRate);
    Assert.AreEqual(0.25, ErrorStats.Compare(reference, approx, 0.75, 1).OutlierRate);
    Expect(AxqStatus.InvalidArgument, "", () => ErrorStats.Compare(reference, new float[] {1, 2, 3}));
    Expect(AxqStatus.NonFinite, "", () => ErrorStats.Compare(reference, new float[] {1, float.NaN, 3, 4}));
  }

  [Test]
  public void QuantReportValues() {
    using (Tensor src = Tensor.FromFloats(Gaussian(256, 7), 64, 4)) {
      QuantReport r = QuantReport.Of(src, AxqType.Q8_0);
      Assert.AreEqual(AxqType.Q8_0, r.Type);
      Assert.AreEqual(256, r.Elements);
      Assert.AreEqual(256 / 32 * 34, r.Bytes);
      Assert.AreEqual(8.5, r.BitsPerWeight);
      Assert.AreEqual(32 / 8.5, r.CompressionRatio, 1e-12);
      Assert.AreEqual(256, r.Error.Count);
      Assert.IsTrue(r.Error.Mse > 0 && r.Error.Cosine > 0.999 && r.Error.SqnrDb > 30);
    }
  }

  [Test]
  public void CalibratorValues() {
    float[] all = Enumerable.Range(0, 1000).Select(i => (float)i).ToArray();
    using (Calibrator c = Calibrator.Create()) {
      c.Observe(all);
      CalibratorInfo info = c.Info;
      Assert.AreEqual(2048, info.Bins);
      Assert.AreEqual(1000, info.Count);
      Assert.AreEqual(1, info.Batches);
      Assert.AreEqual(0f, info.Min);
      Assert.AreEqual(999f, info.Max);
      Assert.AreEqual(499.5, info.Mean);
      Assert.AreEqual((1000.0 * 1000 - 1) / 12, info.Variance, 1e-6);
      Assert.AreEqual(0.01f, info.Momentum);
      CalibRange mm = c.Range(CalibMethod.MinMax);
      Assert.AreEqual(0f, mm.Lo);
      Assert.AreEqual(999f, mm.Hi);
      double sd = Math.Sqrt(info.Variance);
      CalibRange ms = c.Range(CalibMethod.MeanStd, k: 1);
      Assert.AreEqual(499.5 - sd, ms.Lo, 1e-3);
      Assert.AreEqual(499.5 + sd, ms.Hi, 1e-3);
      CalibRange p = c.Range(CalibMethod.Percentile, percentile: 90);
      Assert.AreEqual(99, p.Lo, 2);
      Assert.AreEqual(899, p.Hi, 2);
      Expect(AxqStatus.NonFinite, "1", () => c.Observe(new float[] {1, float.PositiveInfinity}));
      Expect(AxqStatus.InvalidArgument, "", () => c.Range(CalibMethod.Percentile, percentile: 20));
    }
    using (Calibrator a = Calibrator.Create(2048, 0.5f))
    using (Calibrator b = Calibrator.Create()) {
      a.Observe(all.Take(500).ToArray());
      b.Observe(all.Skip(500).ToArray());
      a.Merge(b);
      CalibratorInfo m = a.Info;
      Assert.AreEqual(1000, m.Count);
      Assert.AreEqual(2, m.Batches);
      Assert.AreEqual(999f, m.Max);
      Assert.AreEqual(499.5, m.Mean, 1e-9);
      Assert.AreEqual(0.5f, m.Momentum);
    }
    Expect(AxqStatus.InvalidArgument, "", () => Calibrator.Create(100));
    Calibrator closed = Calibrator.Create();
    closed.Dispose();
    Assert.Throws<ObjectDisposedException>(() => closed.Observe(all));
  }

  [Test]
  public void RangeToParamsValues() {
    QuantParams p = Calibrator.RangeToParams(-1, 1, 8, true);
    Assert.AreEqual(1f / 127, p.Scale);
    Assert.AreEqual(0, p.ZeroPoint);
    p = Calibrator.RangeToParams(-64, 191, 8, false);
    Assert.AreEqual(1f, p.Scale);
    Assert.AreEqual(64, p.ZeroPoint);
    Expect(AxqStatus.InvalidArgument, "", () => Calibrator.RangeToParams(-1, 1, 9, true));
  }

  [Test]
  public void IntTensorValues() {
    float[] x = {-1, 0.5f, 1};
    using (Tensor src = Tensor.FromFloats(x, 3))
    using (IntTensor q = IntTensor.Quantize(src)) {
      // 0.5 / (1/127) = 63.5 rounds half to even: 64.
      CollectionAssert.AreEqual(new byte[] {0x81, 64, 127}, q.GetCodes());
      Assert.AreEqual(8, q.Bits);
      Assert.AreEqual(IntScheme.Symmetric, q.Scheme);
      Assert.AreEqual(Granularity.PerTensor, q.Granularity);
      Assert.AreEqual(-1, q.Axis);
      CollectionAssert.AreEqual(new long[] {3}, q.Dims);
      Assert.AreEqual(3, q.ElementCount);
      Assert.AreEqual(3, q.CodeBytes);
      Assert.AreEqual(1, q.ParamCount);
      Assert.AreEqual(4, q.ParamBytes);
      Assert.AreEqual(8 * 7 / 3.0, q.BitsPerWeight);
      float scale;
      using (Tensor s = q.GetScales())
      using (Tensor z = q.GetZeroPoints()) {
        CollectionAssert.AreEqual(new float[] {1f / 127}, s.ToFloats());
        CollectionAssert.AreEqual(new float[] {0}, z.ToFloats());
        scale = s.ToFloats()[0];
      }
      using (Tensor back = q.Dequantize()) {
        float[] y = back.ToFloats();
        for (int i = 0; i < x.Length; ++i) Assert.AreEqual(x[i], y[i], scale / 2 + 1e-7);
      }
      Expect(AxqStatus.InvalidArgument, "", () => IntTensor.Quantize(src, new IntOptions { Bits = 9 }));
    }
    using (Tensor w = Tensor.FromFloats(Gaussian(32, 9), 8, 4))
    using (IntTensor g = IntTensor.Quantize(w, new IntOptions { Bits = 4, Scheme = IntScheme.Affine,
                                                                 Granularity = Granularity.PerGroup, GroupSize = 4,
                                                                 Threads = 1 })) {
      Assert.AreEqual(16, g.CodeBytes);
      Assert.AreEqual(8, g.ParamCount);
      Assert.AreEqual(64, g.ParamBytes);
      Assert.AreEqual(4, g.GroupSize);
      Assert.AreEqual(8 * 80 / 32.0, g.BitsPerWeight);
      Expect(AxqStatus.InvalidArgument, "8", () => IntTensor.Quantize(w, new IntOptions {
        Granularity = Granularity.PerGroup, GroupSize = 3 }));
    }
  }

  [Test]
  public void FakeQuantValues() {
    float s = 1f / 127;
    byte[] mask;
    float[] y = FakeQuant.Quantize(new float[] {-1, 0.5f, 1, 2}, 8, IntScheme.Symmetric, s, 0, Ste.Clamped, out mask);
    CollectionAssert.AreEqual(new float[] {-127 * s, 64 * s, 127 * s, 127 * s}, y);
    CollectionAssert.AreEqual(new byte[] {1, 1, 1, 0}, mask);
    CollectionAssert.AreEqual(new float[] {0.5f, -1, 2, 0}, FakeQuant.SteBackward(new float[] {0.5f, -1, 2, 3}, mask));
    CollectionAssert.AreEqual(new float[] {3}, FakeQuant.SteBackward(new float[] {3}, null));
    Expect(AxqStatus.InvalidArgument, "", () => FakeQuant.Quantize(new float[] {1}, 8, IntScheme.Symmetric, 0, 0,
                                                                   Ste.Plain, out mask));
    Expect(AxqStatus.InvalidArgument, "mask", () => FakeQuant.SteBackward(new float[] {1, 2}, new byte[] {1}));
  }

  [Test]
  public void Fp8Values() {
    byte[] codes = Fp8.Encode(new float[] {448, 1, -2, 0.5f, 1000}, Fp8Format.E4M3);
    CollectionAssert.AreEqual(new byte[] {0x7E, 0x38, 0xC0, 0x30, 0x7E}, codes);
    CollectionAssert.AreEqual(new float[] {448, 1, -2, 0.5f, 448}, Fp8.Decode(codes, Fp8Format.E4M3));
    CollectionAssert.AreEqual(new byte[] {0x38}, Fp8.Encode(new float[] {2}, Fp8Format.E4M3, 2));
    CollectionAssert.AreEqual(new byte[] {0x7B}, Fp8.Encode(new float[] {57344}, Fp8Format.E5M2));
    Expect(AxqStatus.InvalidArgument, "", () => Fp8.Encode(new float[] {1}, Fp8Format.E4M3, 0));
  }

  [Test]
  public void Nf4Values() {
    float[] values = Nf4Tensor.CodeValues(FourBitKind.Nf4);
    Assert.AreEqual(16, values.Length);
    Assert.AreEqual(-1f, values[0]);
    Assert.AreEqual(0f, values[7]);
    Assert.AreEqual(0.07958029955625534f, values[8]);
    Assert.AreEqual(1f, values[15]);
    double maxGap = 0;
    for (int i = 1; i < 16; ++i) maxGap = Math.Max(maxGap, values[i] - values[i - 1]);
    float[] x = Gaussian(64, 11);
    float amax = x.Max(v => Math.Abs(v));
    using (Nf4Tensor q = Nf4Tensor.Quantize(x, FourBitKind.Nf4, 64, false)) {
      Assert.AreEqual(64, q.Count);
      Assert.AreEqual(1, q.BlockCount);
      Assert.AreEqual(36, q.TotalBytes);
      Assert.IsFalse(q.DoubleQuant);
      Assert.AreEqual(FourBitKind.Nf4, q.Kind);
      Assert.AreEqual(64, q.BlockSize);
      Assert.AreEqual(4.5, q.BitsPerParameter);
      CollectionAssert.AreEqual(new float[] {amax}, q.GetAbsmax());
      float[] y = q.Dequantize();
      for (int i = 0; i < x.Length; ++i) Assert.AreEqual(x[i], y[i], maxGap / 2 * amax + 1e-6);
    }
    using (Nf4Tensor dq = Nf4Tensor.Quantize(Gaussian(64 * 256 * 4, 12))) {
      Assert.IsTrue(dq.DoubleQuant);
      Assert.AreEqual(4.127, dq.BitsPerParameter, 0.001);
    }
    Expect(AxqStatus.InvalidArgument, "48", () => Nf4Tensor.Quantize(x, FourBitKind.Nf4, 48));
  }

  [Test]
  public void Fp8MatrixValues() {
    float[] x = { 1, -2, 0.5f, 3.5f, -100, 10, 0.1f, 7 };
    float[] scales;
    byte[] codes = Fp8.Quantize(x, 2, 4, out scales, Fp8Format.E4M3, Fp8Granularity.PerRow);
    Assert.AreEqual(8, codes.Length);
    Assert.AreEqual(new float[] { 3.5f / 448, 100f / 448 }, scales);
    // The largest |value| of each row lands on +-448.
    Assert.AreEqual(0x7E, codes[3]);
    Assert.AreEqual(0xFE, codes[4]);
    float[] back = Fp8.Dequantize(codes, scales, 2, 4, Fp8Format.E4M3, Fp8Granularity.PerRow);
    for (int i = 0; i < x.Length; ++i) {
      // Half an E4M3 step: 2^-4 of the value, or half the smallest subnormal (2^-10 of the scale).
      double step = Math.Max(Math.Abs(x[i]) / 16.0, scales[i / 4] / 1024.0);
      Assert.AreEqual(x[i], back[i], step * (1 + 1e-6), "element " + i);
    }
    float[] one;
    Fp8.Quantize(x, 2, 4, out one);
    Assert.AreEqual(new float[] { 100f / 448 }, one);
    Expect(AxqStatus.NonFinite, "", () => Fp8.Quantize(new float[] { 1, float.NaN }, 1, 2, out one));
    Expect(AxqStatus.InvalidArgument, "scales",
           () => Fp8.Dequantize(codes, new float[1], 2, 4, Fp8Format.E4M3, Fp8Granularity.PerRow));
  }

  [Test]
  public void FakeQuantTensorValues() {
    IntOptions[] all = { null,
                         new IntOptions { Bits = 4, Scheme = IntScheme.Affine, Granularity = Granularity.PerGroup,
                                          GroupSize = 4 },
                         new IntOptions { Bits = 3, Granularity = Granularity.PerChannel, Axis = 1 } };
    using (Tensor src = Tensor.FromFloats(Gaussian(32, 13), 8, 4)) {
      foreach (IntOptions opts in all) {
        byte[] mask;
        using (Tensor y = FakeQuant.QuantizeTensor(src, Ste.Clamped, opts, out mask))
        using (IntTensor q = IntTensor.Quantize(src, opts))
        using (Tensor d = q.Dequantize()) {
          AssertSameBits("fake quantization", d.ToFloats(), y.ToFloats());
          Assert.AreEqual(new long[] { 8, 4 }, y.Dims);
          Assert.AreEqual(32, mask.Length);
          Assert.IsTrue(mask.All(b => b == 0 || b == 1));
        }
      }
      byte[] plain;
      FakeQuant.QuantizeTensor(src, Ste.Plain, null, out plain).Dispose();
      Assert.IsTrue(plain.Length == 32 && plain.All(b => b == 1));
      Expect(AxqStatus.InvalidArgument, "",
             () => FakeQuant.QuantizeTensor(src, Ste.Clamped, new IntOptions { Bits = 9 }, out plain));
    }
    QuantParams p = FakeQuant.ParamsFromRange(8, IntScheme.Symmetric, -1, 1);
    Assert.AreEqual(1f / 127, p.Scale);
    Assert.AreEqual(0, p.ZeroPoint);
    Expect(AxqStatus.InvalidArgument, "", () => FakeQuant.ParamsFromRange(8, IntScheme.Symmetric, 1, -1));
  }

  [Test]
  public void Nf4PartsValues() {
    float[] map = Nf4Tensor.DynamicMap();
    Assert.AreEqual(256, map.Length);
    Assert.AreEqual(0f, map[127]);
    Assert.AreEqual(1f, map[255]);
    Assert.AreEqual(-0.99296875f, map[0]);
    for (int i = 1; i < 256; ++i) Assert.IsTrue(map[i] > map[i - 1], "ascending at " + i);

    float[] x = Gaussian(64 * 256 * 2 + 33, 14); // odd n, a short last block, 2+ groups
    var modes = new[] { Tuple.Create(FourBitKind.Nf4, 64, false), Tuple.Create(FourBitKind.Nf4, 64, true),
                        Tuple.Create(FourBitKind.Fp4, 32, true) };
    foreach (var mode in modes) {
      using (Nf4Tensor q = Nf4Tensor.Quantize(x, mode.Item1, mode.Item2, mode.Item3)) {
        Nf4Parts p = q.GetParts();
        Assert.AreEqual(mode.Item1, p.Kind);
        Assert.AreEqual(mode.Item2, p.BlockSize);
        Assert.AreEqual(mode.Item3, p.DoubleQuant);
        Assert.AreEqual(x.Length, p.N);
        Assert.AreEqual((x.Length + 1) / 2, p.Packed.Length);
        if (p.DoubleQuant) {
          Assert.AreEqual(q.BlockCount, p.AbsmaxCodes.Length);
          Assert.AreEqual((q.BlockCount + 255) / 256, p.Absmax2.Length);
          Assert.IsTrue(p.Absmax == null && p.Offset != 0);
        } else {
          Assert.AreEqual(q.GetAbsmax(), p.Absmax);
          Assert.IsTrue(p.AbsmaxCodes == null && p.Absmax2 == null && p.Offset == 0);
        }
        using (Nf4Tensor r = Nf4Tensor.FromParts(p)) {
          AssertSameBits("nf4 import", q.Dequantize(), r.Dequantize());
          Assert.AreEqual(p.Packed, r.GetParts().Packed);
        }
        var shortPacked = new Nf4Parts { Kind = p.Kind, BlockSize = p.BlockSize, DoubleQuant = p.DoubleQuant, N = p.N,
                                         Packed = p.Packed.Take(p.Packed.Length - 1).ToArray(), Absmax = p.Absmax,
                                         AbsmaxCodes = p.AbsmaxCodes, Absmax2 = p.Absmax2, Offset = p.Offset };
        Expect(AxqStatus.InvalidArgument, "packed", () => Nf4Tensor.FromParts(shortPacked));
      }
    }
  }
}

}
