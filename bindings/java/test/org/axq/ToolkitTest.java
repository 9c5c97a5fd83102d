package org.axq;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Random;
import org.junit.Test;

public class ToolkitTest {
  private static void expect(AxqStatus status, String fragment, Runnable call) {
    try {
      call.run();
    } catch (AxqException e) {
      assertEquals(e.getMessage(), status, e.status());
      assertFalse(e.getMessage().isEmpty());
      assertTrue(e.getMessage(), e.getMessage().contains(fragment));
      return;
    }
    fail("expected " + status);
  }

  private static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; ++i) v[i] = (float) r.nextGaussian();
    return v;
  }

  @Test
  public void errorStats() {
    float[] ref = {1, 2, 3, 4};
    float[] approx = {1.5f, 2, 2, 4};
    ErrorStats s = ErrorStats.compare(ref, approx);
    assertEquals(4, s.count);
    assertEquals(0.3125, s.mse, 0);
    assertEquals(Math.sqrt(0.3125), s.rmse, 1e-12);
    assertEquals(0.375, s.mae, 0);
    assertEquals(1, s.maxAbsError, 0);
    assertEquals(10 * Math.log10(30 / 1.25), s.sqnrDb, 1e-9);
    assertEquals(27.5 / Math.sqrt(30 * 26.25), s.cosine, 1e-12);
    assertEquals(0.1, s.outlierThreshold, 0);
    assertEquals(0.5, s.outlierRate, 0);
    assertEquals(0.25, ErrorStats.compare(ref, approx, 0.75, 1).outlierRate, 0);
    expect(AxqStatus.INVALID_ARGUMENT, "", () -> ErrorStats.compare(ref, new float[] {1, 2, 3}));
    expect(AxqStatus.NON_FINITE, "", () -> ErrorStats.compare(ref, new float[] {1, Float.NaN, 3, 4}));
  }

  @Test
  public void quantReport() {
    try (Tensor src = Tensor.fromFloats(gaussian(256, 7), 64, 4)) {
      QuantReport r = QuantReport.of(src, AxqType.Q8_0);
      assertEquals(AxqType.Q8_0, r.type);
      assertEquals(256, r.elements);
      assertEquals(256 / 32 * 34, r.bytes);
      assertEquals(8.5, r.bitsPerWeight, 0);
      assertEquals(32 / 8.5, r.compressionRatio, 1e-12);
      assertEquals(256, r.error.count);
      assertTrue(r.error.mse > 0 && r.error.cosine > 0.999 && r.error.sqnrDb > 30);
    }
  }

  @Test
  public void calibrator() {
    float[] all = new float[1000];
    for (int i = 0; i < all.length; ++i) all[i] = i;
    try (Calibrator c = Calibrator.create()) {
      c.observe(all);
      Calibrator.Info info = c.info();
      assertEquals(2048, info.bins);
      assertEquals(1000, info.count);
      assertEquals(1, info.batches);
      assertEquals(0f, info.min, 0);
      assertEquals(999f, info.max, 0);
      assertEquals(499.5, info.mean, 0);
      assertEquals((1000.0 * 1000 - 1) / 12, info.variance, 1e-6);
      assertEquals(0.01f, info.momentum, 0);
      Calibrator.Range mm = c.range(Calibrator.Method.MINMAX);
      assertEquals(0f, mm.lo, 0);
      assertEquals(999f, mm.hi, 0);
      double sd = Math.sqrt(info.variance);
      Calibrator.Range ms = c.range(Calibrator.Method.MEANSTD, 99.99f, 1f, 8);
      assertEquals(499.5 - sd, ms.lo, 1e-3);
      assertEquals(499.5 + sd, ms.hi, 1e-3);
      Calibrator.Range p = c.range(Calibrator.Method.PERCENTILE, 90f, 3f, 8);
      assertEquals(99, p.lo, 2);
      assertEquals(899, p.hi, 2);
      expect(AxqStatus.NON_FINITE, "1", () -> c.observe(new float[] {1, Float.POSITIVE_INFINITY}));
      expect(AxqStatus.INVALID_ARGUMENT, "", () -> c.range(Calibrator.Method.PERCENTILE, 20f, 3f, 8));
    }
    try (Calibrator a = Calibrator.create(2048, 0.5f); Calibrator b = Calibrator.create()) {
      a.observe(java.util.Arrays.copyOfRange(all, 0, 500));
      b.observe(java.util.Arrays.copyOfRange(all, 500, 1000));
      a.merge(b);
      Calibrator.Info m = a.info();
      assertEquals(1000, m.count);
      assertEquals(2, m.batches);
      assertEquals(999f, m.max, 0);
      assertEquals(499.5, m.mean, 1e-9);
      assertEquals(0.5f, m.momentum, 0);
    }
    expect(AxqStatus.INVALID_ARGUMENT, "", () -> Calibrator.create(100, 0));
    Calibrator closed = Calibrator.create();
    closed.close();
    try {
      closed.observe(all);
      fail("observe after close");
    } catch (IllegalStateException expected) {
    }
  }

  @Test
  public void rangeToParams() {
    Calibrator.Params p = Calibrator.rangeToParams(-1, 1, 8, true);
    assertEquals(1f / 127, p.scale, 0);
    assertEquals(0, p.zeroPoint);
    p = Calibrator.rangeToParams(-64, 191, 8, false);
    assertEquals(1f, p.scale, 0);
    assertEquals(64, p.zeroPoint);
    expect(AxqStatus.INVALID_ARGUMENT, "", () -> Calibrator.rangeToParams(-1, 1, 9, true));
  }

  @Test
  public void intTensor() {
    float[] x = {-1, 0.5f, 1};
    try (Tensor src = Tensor.fromFloats(x, 3); IntTensor q = IntTensor.quantize(src, null)) {
      // 0.5 / (1/127) = 63.5 rounds half to even: 64.
      assertArrayEquals(new byte[] {-127, 64, 127}, q.codes());
      assertEquals(8, q.bits());
      assertEquals(IntTensor.Scheme.SYMMETRIC, q.scheme());
      assertEquals(IntTensor.Granularity.PER_TENSOR, q.granularity());
      assertEquals(-1, q.axis());
      assertArrayEquals(new long[] {3}, q.dims());
      assertEquals(3, q.elementCount());
      assertEquals(3, q.codeBytes());
      assertEquals(1, q.paramCount());
      assertEquals(4, q.paramBytes());
      assertEquals(8 * 7 / 3.0, q.bitsPerWeight(), 0);
      float scale;
      try (Tensor s = q.scales(); Tensor z = q.zeroPoints()) {
        assertArrayEquals(new float[] {1f / 127}, s.toFloats(), 0);
        assertArrayEquals(new float[] {0}, z.toFloats(), 0);
        scale = s.toFloats()[0];
      }
      try (Tensor back = q.dequantize()) {
        float[] y = back.toFloats();
        for (int i = 0; i < x.length; ++i) assertEquals(x[i], y[i], scale / 2 + 1e-7);
      }
      expect(AxqStatus.INVALID_ARGUMENT, "", () -> IntTensor.quantize(src, new IntTensor.Options().bits(9)));
    }
    try (Tensor w = Tensor.fromFloats(gaussian(32, 9), 8, 4);
         IntTensor g = IntTensor.quantize(w, new IntTensor.Options().bits(4).scheme(IntTensor.Scheme.AFFINE)
             .granularity(IntTensor.Granularity.PER_GROUP).groupSize(4).threads(1))) {
      assertEquals(16, g.codeBytes());
      assertEquals(8, g.paramCount());
      assertEquals(64, g.paramBytes());
      assertEquals(4, g.groupSize());
      assertEquals(8 * 80 / 32.0, g.bitsPerWeight(), 0);
      expect(AxqStatus.INVALID_ARGUMENT, "8", () -> IntTensor.quantize(w,
          new IntTensor.Options().granularity(IntTensor.Granularity.PER_GROUP).groupSize(3)));
    }
  }

  @Test
  public void fakeQuant() {
    float s = 1f / 127;
    FakeQuant.Result r = FakeQuant.quantize(new float[] {-1, 0.5f, 1, 2}, 8, IntTensor.Scheme.SYMMETRIC, s, 0,
        FakeQuant.Ste.CLAMPED);
    assertArrayEquals(new float[] {-127 * s, 64 * s, 127 * s, 127 * s}, r.y, 0);
    assertArrayEquals(new byte[] {1, 1, 1, 0}, r.mask);
    assertArrayEquals(new float[] {0.5f, -1, 2, 0}, FakeQuant.steBackward(new float[] {0.5f, -1, 2, 3}, r.mask), 0);
    assertArrayEquals(new float[] {3}, FakeQuant.steBackward(new float[] {3}, null), 0);
    expect(AxqStatus.INVALID_ARGUMENT, "", () -> FakeQuant.quantize(new float[] {1}, 8,
        IntTensor.Scheme.SYMMETRIC, 0, 0, FakeQuant.Ste.PLAIN));
    expect(AxqStatus.INVALID_ARGUMENT, "mask", () -> FakeQuant.steBackward(new float[] {1, 2}, new byte[] {1}));
  }

  @Test
  public void fp8() {
    byte[] codes = Fp8.encode(new float[] {448, 1, -2, 0.5f, 1000}, Fp8.Format.E4M3, 1);
    assertArrayEquals(new byte[] {0x7E, 0x38, (byte) 0xC0, 0x30, 0x7E}, codes);
    assertArrayEquals(new float[] {448, 1, -2, 0.5f, 448}, Fp8.decode(codes, Fp8.Format.E4M3, 1), 0);
    assertArrayEquals(new byte[] {0x38}, Fp8.encode(new float[] {2}, Fp8.Format.E4M3, 2));
    assertArrayEquals(new byte[] {0x7B}, Fp8.encode(new float[] {57344}, Fp8.Format.E5M2, 1));
    expect(AxqStatus.INVALID_ARGUMENT, "", () -> Fp8.encode(new float[] {1}, Fp8.Format.E4M3, 0));
  }

  @Test
  public void nf4() {
    float[] values = Nf4Tensor.codeValues(Nf4Tensor.Kind.NF4);
    assertEquals(16, values.length);
    assertEquals(-1f, values[0], 0);
    assertEquals(0f, values[7], 0);
    assertEquals(0.07958029955625534f, values[8], 0);
    assertEquals(1f, values[15], 0);
    double maxGap = 0;
    for (int i = 1; i < 16; ++i) maxGap = Math.max(maxGap, values[i] - values[i - 1]);
    float[] x = gaussian(64, 11);
    float amax = 0;
    for (float v : x) amax = Math.max(amax, Math.abs(v));
    try (Nf4Tensor q = Nf4Tensor.quantize(x, Nf4Tensor.Kind.NF4, 64, false, 0)) {
      assertEquals(64, q.size());
      assertEquals(1, q.blockCount());
      assertEquals(36, q.totalBytes());
      assertFalse(q.doubleQuant());
      assertEquals(Nf4Tensor.Kind.NF4, q.kind());
      assertEquals(64, q.blockSize());
      assertEquals(4.5, q.bitsPerParameter(), 0);
      assertArrayEquals(new float[] {amax}, q.absmax(), 0);
      float[] y = q.dequantize();
      for (int i = 0; i < x.length; ++i) assertEquals(x[i], y[i], maxGap / 2 * amax + 1e-6);
    }
    try (Nf4Tensor dq = Nf4Tensor.quantize(gaussian(64 * 256 * 4, 12))) {
      assertTrue(dq.doubleQuant());
      assertEquals(4.127, dq.bitsPerParameter(), 0.001);
    }
    expect(AxqStatus.INVALID_ARGUMENT, "48", () -> Nf4Tensor.quantize(x, Nf4Tensor.Kind.NF4, 48, true, 0));
  }
}
