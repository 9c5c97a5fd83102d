package org.axq;

import static org.axq.TestSupport.expect;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Random;
import org.junit.Test;

public class ToolkitTest {

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

  private static void assertSameBits(String what, float[] want, float[] got) {
    assertEquals(what, want.length, got.length);
    for (int i = 0; i < want.length; ++i) {
      assertEquals(what + " element " + i, Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]));
    }
  }

  @Test
  public void fp8Matrix() {
    float[] x = {1, -2, 0.5f, 3.5f, -100, 10, 0.1f, 7};
    Fp8.Matrix m = Fp8.quantize(x, 2, 4, Fp8.Format.E4M3, Fp8.Granularity.PER_ROW);
    assertEquals(8, m.codes.length);
    assertArrayEquals(new float[] {3.5f / 448, 100f / 448}, m.scales, 0);
    // The largest |value| of each row lands on +-448.
    assertEquals(0x7E, m.codes[3] & 0xFF);
    assertEquals(0xFE, m.codes[4] & 0xFF);
    float[] back = Fp8.dequantize(m, 2, 4, Fp8.Format.E4M3, Fp8.Granularity.PER_ROW);
    for (int i = 0; i < x.length; ++i) {
      // Half an E4M3 step: 2^-4 of the value, or half the smallest subnormal (2^-10 of the scale).
      double step = Math.max(Math.abs(x[i]) / 16.0, m.scales[i / 4] / 1024.0);
      assertEquals("element " + i, x[i], back[i], step * (1 + 1e-6));
    }
    Fp8.Matrix t = Fp8.quantize(x, 2, 4, Fp8.Format.E4M3, Fp8.Granularity.PER_TENSOR);
    assertArrayEquals(new float[] {100f / 448}, t.scales, 0);
    expect(AxqStatus.NON_FINITE, "", () -> Fp8.quantize(new float[] {1, Float.NaN}, 1, 2, Fp8.Format.E4M3,
        Fp8.Granularity.PER_TENSOR));
    expect(AxqStatus.INVALID_ARGUMENT, "scales", () -> Fp8.dequantize(m.codes, new float[1], 2, 4,
        Fp8.Format.E4M3, Fp8.Granularity.PER_ROW));
  }

  @Test
  public void fakeQuantTensor() {
    IntTensor.Options[] all = {null,
        new IntTensor.Options().bits(4).scheme(IntTensor.Scheme.AFFINE)
            .granularity(IntTensor.Granularity.PER_GROUP).groupSize(4),
        new IntTensor.Options().bits(3).granularity(IntTensor.Granularity.PER_CHANNEL).axis(1)};
    try (Tensor src = Tensor.fromFloats(gaussian(32, 13), 8, 4)) {
      for (IntTensor.Options opts : all) {
        FakeQuant.TensorResult r = FakeQuant.quantizeTensor(src, FakeQuant.Ste.CLAMPED, opts);
        try (Tensor y = r.y; IntTensor q = IntTensor.quantize(src, opts); Tensor d = q.dequantize()) {
          assertSameBits("fake quantization", d.toFloats(), y.toFloats());
          assertArrayEquals(new long[] {8, 4}, y.dims());
          assertEquals(32, r.mask.length);
          for (byte b : r.mask) assertTrue(b == 0 || b == 1);
        }
      }
      FakeQuant.TensorResult plain = FakeQuant.quantizeTensor(src, FakeQuant.Ste.PLAIN, null);
      plain.y.close();
      byte[] ones = new byte[32];
      java.util.Arrays.fill(ones, (byte) 1);
      assertArrayEquals(ones, plain.mask);
      expect(AxqStatus.INVALID_ARGUMENT, "", () -> FakeQuant.quantizeTensor(src, FakeQuant.Ste.CLAMPED,
          new IntTensor.Options().bits(9)));
    }
    Calibrator.Params p = FakeQuant.paramsFromRange(8, IntTensor.Scheme.SYMMETRIC, -1, 1);
    assertEquals(1f / 127, p.scale, 0);
    assertEquals(0, p.zeroPoint);
    expect(AxqStatus.INVALID_ARGUMENT, "", () -> FakeQuant.paramsFromRange(8, IntTensor.Scheme.SYMMETRIC, 1, -1));
  }

  @Test
  public void nf4Parts() {
    float[] map = Nf4Tensor.dynamicMap();
    assertEquals(256, map.length);
    assertEquals(0f, map[127], 0);
    assertEquals(1f, map[255], 0);
    assertEquals(-0.99296875f, map[0], 0);
    for (int i = 1; i < 256; ++i) assertTrue("ascending at " + i, map[i] > map[i - 1]);

    float[] x = gaussian(64 * 256 * 2 + 33, 14); // odd n, a short last block, 2+ groups
    Object[][] modes = {{Nf4Tensor.Kind.NF4, 64, false}, {Nf4Tensor.Kind.NF4, 64, true},
        {Nf4Tensor.Kind.FP4, 32, true}};
    for (Object[] mode : modes) {
      try (Nf4Tensor q = Nf4Tensor.quantize(x, (Nf4Tensor.Kind) mode[0], (Integer) mode[1], (Boolean) mode[2], 0)) {
        Nf4Tensor.Parts p = q.parts();
        assertEquals(mode[0], p.kind);
        assertEquals(mode[1], p.blockSize);
        assertEquals(mode[2], p.doubleQuant);
        assertEquals(x.length, p.n);
        assertEquals((x.length + 1) / 2, p.packed.length);
        if (p.doubleQuant) {
          assertEquals(q.blockCount(), p.absmaxCodes.length);
          assertEquals((q.blockCount() + 255) / 256, p.absmax2.length);
          assertTrue(p.absmax == null && p.offset != 0);
        } else {
          assertArrayEquals(q.absmax(), p.absmax, 0);
          assertTrue(p.absmaxCodes == null && p.absmax2 == null && p.offset == 0);
        }
        try (Nf4Tensor r = Nf4Tensor.fromParts(p)) {
          assertSameBits("nf4 import", q.dequantize(), r.dequantize());
          assertArrayEquals(p.packed, r.parts().packed);
        }
        Nf4Tensor.Parts shortPacked = new Nf4Tensor.Parts(p.kind, p.blockSize, p.doubleQuant, p.n,
            java.util.Arrays.copyOf(p.packed, p.packed.length - 1), p.absmax, p.absmaxCodes, p.absmax2, p.offset);
        expect(AxqStatus.INVALID_ARGUMENT, "packed", () -> Nf4Tensor.fromParts(shortPacked));
      }
    }
  }
}
