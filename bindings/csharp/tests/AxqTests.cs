using System;
using System.IO;
using System.Linq;
using Axq;
using NUnit.Framework;
using static Axq.Tests.TestSupport;

namespace Axq.Tests {

[TestFixture]
public class AxqTests {
  static string Vectors => Environment.GetEnvironmentVariable("AXQ_VECTOR_DIR")
      ?? throw new InvalidOperationException("AXQ_VECTOR_DIR is not set (meson test sets it)");

  static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Vectors, name));

  static float[] Floats(string name) {
    byte[] b = Bytes(name);
    float[] f = new float[b.Length / 4];
    Buffer.BlockCopy(b, 0, f, 0, f.Length * 4);
    return f;
  }

  [Test]
  public void VersionAndTypes() {
    Assert.AreEqual(2, Quantizer.Version.Count(c => c == '.'));
    Assert.AreEqual(AxqType.Q4_0, Quantizer.ParseType("Q4_0"));
    Assert.AreEqual("i2_s", Quantizer.TypeName(AxqType.I2_S));
    Assert.AreEqual(256 / 4 + 32, Quantizer.RowSize(AxqType.I2_S, 256));
    Expect(AxqStatus.UnknownType, "no_such", () => Quantizer.ParseType("no_such"));
  }

  [Test]
  public void QuantizeRowMatchesGgmlVectors() {
    float[] src = Floats("gauss_n01.in.f32");
    foreach (AxqType t in new[] { AxqType.Q4_0, AxqType.Q8_0 }) {
      string name = Quantizer.TypeName(t);
      byte[] got = Quantizer.QuantizeRow(t, src);
      CollectionAssert.AreEqual(Bytes("gauss_n01." + name + ".bin"), got, name);
      AssertSameBits(Floats("gauss_n01." + name + ".deq.f32"), Quantizer.DequantizeRow(t, got, src.Length));
      byte[] into = new byte[got.Length + 3];
      Assert.AreEqual(got.Length, Quantizer.QuantizeRow(t, src, into));
    }
  }

  [Test]
  public void SpansGoWithoutCopies() {
    float[] src = Floats("gauss_n01.in.f32");
    byte[] want = Bytes("gauss_n01.q4_0.bin");
    float[] padded = new float[src.Length + 3];
    Array.Copy(src, 0, padded, 3, src.Length);
    byte[] dst = new byte[want.Length + 8];
    Assert.AreEqual(want.Length, Quantizer.QuantizeRow(AxqType.Q4_0, new ReadOnlySpan<float>(padded, 3, src.Length),
                                                       new Span<byte>(dst, 8, want.Length)));
    CollectionAssert.AreEqual(want, dst.Skip(8).ToArray());
    float[] back = new float[src.Length];
    Quantizer.DequantizeRow(AxqType.Q4_0, new ReadOnlySpan<byte>(dst, 8, want.Length), new Span<float>(back));
    AssertSameBits(Floats("gauss_n01.q4_0.deq.f32"), back);
    Expect(AxqStatus.InvalidArgument, "src: NULL", () => Quantizer.QuantizeRow(AxqType.Q4_0, ReadOnlySpan<float>.Empty,
                                                                             new Span<byte>(dst)));
  }

  [Test]
  public void EveryStatusComesWithTheLibraryMessage() {
    Expect(AxqStatus.InvalidArgument, "multiple of 32", () => Quantizer.QuantizeRow(AxqType.Q4_0, new float[33]));
    Expect(AxqStatus.InvalidArgument, "multiple of 256", () => Quantizer.QuantizeRow(AxqType.Q2_K, new float[128]));
    Expect(AxqStatus.UnknownType, "unknown type id 4", () => Quantizer.QuantizeRow((AxqType)4, new float[32]));
    Expect(AxqStatus.BufferTooSmall, "dst_capacity", () => Quantizer.QuantizeRow(AxqType.Q8_0, new float[32], new byte[10]));
    float[] bad = new float[64];
    bad[40] = float.NaN;
    Expect(AxqStatus.NonFinite, "src[40]", () => Quantizer.QuantizeRow(AxqType.Q4_0, bad));
    Expect(AxqStatus.InvalidArgument, "dims[0]", () => Tensor.Create(AxqType.Q4_0, 33));
    Assert.Throws<ArgumentNullException>(() => Quantizer.QuantizeRow(AxqType.Q4_0, null));
  }

  [Test]
  public void TensorLifecycle() {
    float[] data = new float[2 * 64];
    for (int i = 0; i < data.Length; ++i) data[i] = (i % 17) / 17.0f - 0.5f;
    using (Tensor src = Tensor.FromFloats(data, 64, 2)) {
      Assert.AreEqual(AxqType.F32, src.Type);
      CollectionAssert.AreEqual(new long[] { 64, 2 }, src.Dims);
      Assert.AreEqual(128, src.ElementCount);
      Assert.AreEqual(512, src.ByteCount);
      AssertSameBits(data, src.ToFloats());
      Tensor q = src.Quantize(AxqType.Q4_0, threads: 2);
      CollectionAssert.AreEqual(Quantizer.QuantizeRow(AxqType.Q4_0, data), q.ToBytes());
      Expect(AxqStatus.InvalidArgument, "not f32", () => q.ToFloats());
      using (Tensor back = q.Dequantize())
      using (Tensor again = Tensor.FromBytes(AxqType.Q4_0, q.ToBytes(), 64, 2)) {
        Assert.AreEqual(AxqType.F32, back.Type);
        CollectionAssert.AreEqual(q.ToBytes(), again.ToBytes());
      }
      Expect(AxqStatus.InvalidArgument, "size", () => Tensor.FromBytes(AxqType.Q4_0, new byte[10], 64, 2));
      q.Dispose();
      q.Dispose();  // idempotent
      Assert.Throws<ObjectDisposedException>(() => q.ToBytes());
    }
  }

  [Test]
  public void I2SMatmulMatchesC() {
    const long m = 16, k = 256, n = 4;  // i2s_ternary in i2s_manifest.tsv
    using (Tensor w32 = Tensor.FromFloats(Floats("i2s_ternary.w.f32"), k, m))
    using (Tensor w = w32.Quantize(AxqType.I2_S))
    using (Tensor x = Tensor.FromFloats(Floats("i2s_ternary.act.f32"), k, n))
    using (Tensor xi8 = x.Quantize(AxqType.I8_S))
    using (Tensor y1 = Tensor.Create(AxqType.F32, m, n))
    using (Tensor y2 = Tensor.Create(AxqType.F32, m, n))
    using (Tensor y3 = Tensor.Create(AxqType.F32, m, n))
    using (Tensor bad = Tensor.Create(AxqType.F32, m + 1, n)) {
      CollectionAssert.AreEqual(Bytes("i2s_ternary.i2s.bin"), w.ToBytes());
      I8sRow row = xi8.GetI8sRow(1);
      CollectionAssert.AreEqual(Bytes("i2s_ternary.act.i8").Skip((int)k).Take((int)k).Select(b => (sbyte)b).ToArray(), row.Codes);
      Assert.AreEqual(Floats("i2s_ternary.act_scale.f32")[1], row.Scale);
      Assert.AreEqual(BitConverter.ToInt32(Bytes("i2s_ternary.act_sum.i32"), 4), row.Sum);
      Expect(AxqStatus.InvalidArgument, "row", () => xi8.GetI8sRow(n));
      Matmul.ComputeI2S(y1, w, x);
      Matmul.ComputeI2SI8(y2, w, xi8, threads: 2);
      Matmul.Compute(y3, w, x);
      float[] want = Floats("i2s_ternary.out.f32");
      AssertSameBits(want, y1.ToFloats());
      AssertSameBits(want, y2.ToFloats());
      AssertSameBits(want, y3.ToFloats());
      Expect(AxqStatus.InvalidArgument, "expected M x N", () => Matmul.ComputeI2S(bad, w, x));
    }
  }

  [Test]
  public void RepackKeepsResults() {
    const int m = 20, k = 128, n = 3;
    float[] wd = Enumerable.Range(0, m * k).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
    float[] xd = Enumerable.Range(0, n * k).Select(i => (float)Math.Cos(i * 0.11)).ToArray();
    using (Tensor w32 = Tensor.FromFloats(wd, k, m))
    using (Tensor x = Tensor.FromFloats(xd, k, n))
    using (Tensor w = w32.Quantize(AxqType.Q8_0))
    using (Tensor packed = w.Repack())
    using (Tensor y1 = Tensor.Create(AxqType.F32, m, n))
    using (Tensor y2 = Tensor.Create(AxqType.F32, m, n)) {
      Assert.IsTrue(packed.IsRepacked);
      Assert.IsFalse(w.IsRepacked);
      Expect(AxqStatus.Unsupported, "repacked", () => packed.ToBytes());
      Matmul.Compute(y1, w, x);
      Matmul.Compute(y2, packed, x);
      AssertSameBits(y1.ToFloats(), y2.ToFloats());
    }
  }

  [Test]
  public void SimdTargets() {
    string[] targets = Quantizer.SimdTargets();
    Assert.IsTrue(targets.Length > 0);
    Expect(AxqStatus.InvalidArgument, "NOSUCH", () => Quantizer.SetSimdTargets("NOSUCH"));
    Quantizer.SetSimdTargets(targets[targets.Length - 1]);
    Assert.AreEqual(targets[targets.Length - 1], Quantizer.SimdTarget);
    Quantizer.SetSimdTargets("");
    Assert.AreEqual(targets[0], Quantizer.SimdTarget);
  }

  static long RssKiB() => long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1]) * 4;

  /// 100 000 tensors made and disposed: the process does not grow.
  [Test]
  public void CreateAndDisposeDoesNotLeak() {
    float[] data = new float[256];
    for (int round = 0; round < 2; ++round) {
      long before = RssKiB();
      for (int i = 0; i < 100000; ++i) {
        using (Tensor x = Tensor.FromFloats(data, 256))
        using (Tensor q = x.Quantize(AxqType.Q8_0, threads: 1)) {
          Assert.AreEqual(8 * 34, q.ByteCount);
        }
      }
      long after = RssKiB();
      // Round 0 warms up the JIT and allocators; 100 000 leaked pairs would
      // be over 100 MiB.
      if (round == 1) Assert.Less(after - before, 16 * 1024, "RSS grew from {0} to {1} KiB", before, after);
    }
  }
}

}
