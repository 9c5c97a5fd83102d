package org.axq;

import static org.axq.TestSupport.expect;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.Test;

public class LinearModelTest extends TestSupport.WithScratchDir {


  private static void assertSameBits(float[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; ++i) {
      if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
        fail("element " + i + ": " + got[i] + " != " + want[i]);
      }
    }
  }

  private static float[] wave(int n, double step, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; ++i) v[i] = (float) (Math.sin(i * step + 0.3) * scale);
    return v;
  }

  /** y = x W^T + b in double, W of out rows of in. */
  private static double[] product(float[] w, float[] x, float[] bias, int out, int in) {
    int batch = x.length / in;
    double[] y = new double[batch * out];
    for (int b = 0; b < batch; ++b) {
      for (int o = 0; o < out; ++o) {
        double s = bias != null ? bias[o] : 0;
        for (int i = 0; i < in; ++i) s += (double) w[o * in + i] * x[b * in + i];
        y[b * out + o] = s;
      }
    }
    return y;
  }

  private static double relativeRms(double[] want, float[] got) {
    assertEquals(want.length, got.length);
    double num = 0, den = 0;
    for (int i = 0; i < want.length; ++i) {
      num += (got[i] - want[i]) * (got[i] - want[i]);
      den += want[i] * want[i];
    }
    return Math.sqrt(num / den);
  }

  @Test
  public void linearQ8MatchesF32Product() {
    final int out = 8, in = 64, batch = 3;
    float[] w = wave(out * in, 0.37, 0.1);
    float[] x = wave(batch * in, 0.11, 1.0);
    float[] bias = new float[out];
    for (int o = 0; o < out; ++o) bias[o] = 0.25f * o - 1.0f;
    try (Linear layer = Linear.create(AxqType.Q8_0, w, out, in, bias);
        Linear plain = Linear.create(AxqType.Q8_0, w, out, in, null, new Linear.Options().threads(1))) {
      float[] y = layer.forward(x);
      assertEquals(batch * out, y.length);
      double err = relativeRms(product(w, x, bias, out, in), y);
      assertTrue("relative RMS error " + err, err < 0.02);
      assertTrue("relative RMS error " + err + " is exactly 0: not quantized?", err > 0);

      // The bias is added after the product, in f32.
      float[] noBias = plain.forward(x);
      float[] shifted = new float[noBias.length];
      for (int i = 0; i < noBias.length; ++i) shifted[i] = noBias[i] + bias[i % out];
      assertSameBits(shifted, y);
      float[] into = new float[batch * out];
      layer.forward(x, into, 2);
      assertSameBits(y, into);

      assertEquals(AxqType.Q8_0, layer.type());
      assertEquals(in, layer.inFeatures());
      assertEquals(out, layer.outFeatures());
      assertTrue(layer.hasBias());
      assertFalse(plain.hasBias());
      assertEquals(out * (in / 32) * 34, layer.weightBytes());
      assertEquals(8.5, layer.bitsPerWeight(), 1e-12);
      assertEquals(32.0 / 8.5, layer.compressionRatio(), 1e-12);

      try (Tensor weight = layer.weight()) {
        assertEquals(AxqType.Q8_0, weight.type());
        assertArrayEquals(new long[] {in, out}, weight.dims());
        assertArrayEquals(Axq.quantizeRow(AxqType.Q8_0, w), weight.toBytes());
      }

      expect(AxqStatus.INVALID_ARGUMENT, "x_count", () -> layer.forward(new float[in + 1]));
      expect(AxqStatus.INVALID_ARGUMENT, "y_count", () -> layer.forward(x, new float[out]));
      expect(AxqStatus.INVALID_ARGUMENT, "bias", () -> Linear.create(AxqType.Q8_0, w, out, in, new float[out - 1]));
      expect(AxqStatus.INVALID_ARGUMENT, "weight", () -> Linear.create(AxqType.Q8_0, w, out + 1, in, null));
      float[] badBias = bias.clone();
      badBias[3] = Float.NaN;
      expect(AxqStatus.NON_FINITE, "bias[3]", () -> Linear.create(AxqType.Q8_0, w, out, in, badBias));
      expect(AxqStatus.INVALID_ARGUMENT, "positive", () -> Linear.create(AxqType.Q8_0, w, out, 0, null));
    }
  }

  @Test
  public void linearSizeFiguresAndFallback() {
    final int out = 8;
    try (Linear q4 = Linear.create(AxqType.Q4_0, wave(out * 64, 0.2, 0.5), out, 64, null)) {
      assertEquals(AxqType.Q4_0, q4.type());
      assertEquals(out * 2 * 18, q4.weightBytes());
      assertEquals(4.5, q4.bitsPerWeight(), 1e-12);
      assertEquals(32.0 / 4.5, q4.compressionRatio(), 1e-12);
    }

    final int in = 100;
    float[] w = wave(out * in, 0.2, 0.5);
    expect(AxqStatus.INVALID_ARGUMENT, "96 and 128", () -> Linear.create(AxqType.Q4_0, w, out, in, null));
    try (Linear f16 = Linear.create(AxqType.Q4_0, w, out, in, null, new Linear.Options().fallbackType(AxqType.F16))) {
      assertEquals(AxqType.F16, f16.type());
      assertEquals(in, f16.inFeatures());
      assertEquals(out * in * 2, f16.weightBytes());
      assertEquals(16.0, f16.bitsPerWeight(), 1e-12);
      assertEquals(2.0, f16.compressionRatio(), 1e-12);
      float[] x = wave(2 * in, 0.05, 1.0);
      double err = relativeRms(product(w, x, null, out, in), f16.forward(x));
      assertTrue("relative RMS error " + err, err < 2e-3);
    }
    expect(AxqStatus.INVALID_ARGUMENT, "q8_0",
        () -> Linear.create(AxqType.Q4_0, w, out, in, null, new Linear.Options().fallbackType(AxqType.Q8_0)));
  }

  @Test
  public void linearClose() {
    Linear layer = Linear.create(AxqType.F32, wave(4 * 3, 0.5, 1.0), 4, 3, null);
    assertArrayEquals(new float[] {0, 0, 0, 0}, layer.forward(new float[3]), 0.0f);
    layer.close();
    layer.close(); // idempotent
    try {
      layer.forward(new float[3]);
      fail("a closed layer was used");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage().contains("closed"));
    }
  }

  private static final int NORM = 64, ROW = 64, ROWS = 8;

  private static Model twoTensors() {
    Model m = Model.create();
    try (Tensor norm = Tensor.fromFloats(wave(NORM, 0.3, 1.0), NORM);
        Tensor w = Tensor.fromFloats(wave(ROW * ROWS, 0.07, 0.2), ROW, ROWS)) {
      m.add("x.norm.weight", norm);
      m.add("blk.0.w.weight", w);
    }
    return m;
  }

  private static AxqType typeOf(Model m, String name) {
    try (Tensor t = m.tensor(name)) {
      return t.type();
    }
  }

  @Test
  public void modelQuantizeWithRules() {
    try (Model m = twoTensors()) {
      assertEquals(2, m.tensorCount());
      assertEquals(Arrays.asList("x.norm.weight", "blk.0.w.weight"), m.names());
      Model.Summary f32 = m.summary();
      assertEquals(2, f32.tensorCount);
      assertEquals(0, f32.quantizedTensorCount);
      assertEquals(NORM + ROW * ROWS, f32.params);
      assertEquals(4 * f32.params, f32.f32Bytes);
      assertEquals(f32.f32Bytes, f32.bytes);
      assertEquals(1.0, f32.compressionRatio, 1e-12);
      assertEquals(32.0, f32.bitsPerWeight, 1e-12);

      // No rule: a 1-D tensor keeps its type, the matrix gets `type`.
      try (Model q = m.quantize(new Model.QuantizeOptions().type(AxqType.Q4_0))) {
        assertEquals(AxqType.F32, typeOf(q, "x.norm.weight"));
        assertEquals(AxqType.Q4_0, typeOf(q, "blk.0.w.weight"));
      }
      // "*w*" is an fnmatch glob over the whole name: "x.norm.weight"
      // contains a 'w' too, so a matching rule overrides the 1-D rule.
      try (Model q = m.quantize(new Model.QuantizeOptions().type(AxqType.Q4_0).rules("*w*=q8_0"))) {
        assertEquals(AxqType.Q8_0, typeOf(q, "x.norm.weight"));
        assertEquals(AxqType.Q8_0, typeOf(q, "blk.0.w.weight"));
      }
      // First match wins: the norm rule keeps it f32.
      Model.QuantizeOptions opts =
          new Model.QuantizeOptions().type(AxqType.Q4_0).rules("*norm*=f32", "*w*=q8_0").threads(1);
      try (Model q = m.quantize(opts)) {
        assertEquals(AxqType.F32, typeOf(q, "x.norm.weight"));
        assertEquals(AxqType.Q8_0, typeOf(q, "blk.0.w.weight"));
        try (Tensor norm = m.tensor("x.norm.weight"); Tensor qnorm = q.tensor("x.norm.weight")) {
          assertArrayEquals(norm.toBytes(), qnorm.toBytes());
        }
        try (Tensor w = m.tensor("blk.0.w.weight"); Tensor qw = q.tensor("blk.0.w.weight")) {
          assertArrayEquals(new long[] {ROW, ROWS}, qw.dims());
          assertArrayEquals(Axq.quantizeRow(AxqType.Q8_0, w.toFloats()), qw.toBytes());
        }
        Model.Summary s = q.summary();
        long bytes = 4 * NORM + ROWS * (ROW / 32) * 34;
        assertEquals(2, s.tensorCount);
        assertEquals(1, s.quantizedTensorCount);
        assertEquals(NORM + ROW * ROWS, s.params);
        assertEquals(4 * s.params, s.f32Bytes);
        assertEquals(bytes, s.bytes);
        assertEquals((double) s.f32Bytes / bytes, s.compressionRatio, 1e-12);
        assertEquals(8.0 * bytes / s.params, s.bitsPerWeight, 1e-12);
        assertTrue(s.toString().contains("1 quantized"));
      }

      expect(AxqStatus.INVALID_ARGUMENT, "GLOB=TYPE",
          () -> m.quantize(new Model.QuantizeOptions().rules("no equals sign")));
      expect(AxqStatus.UNKNOWN_TYPE, "q9_9", () -> m.quantize(new Model.QuantizeOptions().rules("*=q9_9")));
      for (String bad : new String[] {"a=q8_0;b=q4_0", "a=q8_0\nb=q4_0"}) {
        try {
          new Model.QuantizeOptions().rules(bad);
          fail("rule accepted: " + bad);
        } catch (IllegalArgumentException expected) {
          assertTrue(expected.getMessage(), expected.getMessage().contains("must not contain"));
        }
      }
    }
  }

  @Test
  public void modelTensorsAndErrors() {
    try (Model m = twoTensors()) {
      try (Tensor again = Tensor.fromFloats(new float[32], 32)) {
        expect(AxqStatus.INVALID_ARGUMENT, "x.norm.weight", () -> m.add("x.norm.weight", again));
      }
      assertEquals(2, m.tensorCount());
      expect(AxqStatus.INVALID_ARGUMENT, "no.such.tensor", () -> m.tensor("no.such.tensor"));
      expect(AxqStatus.INVALID_ARGUMENT, "no.such.tensor", () -> m.dequantize("no.such.tensor"));
      try (Model q = m.quantize(new Model.QuantizeOptions().type(AxqType.Q8_0));
          Tensor w = m.tensor("blk.0.w.weight");
          Tensor qw = q.tensor("blk.0.w.weight");
          Tensor back = q.dequantize("blk.0.w.weight", ROW, ROWS);
          Tensor any = q.dequantize("blk.0.w.weight")) {
        assertEquals(AxqType.F32, back.type());
        assertArrayEquals(new long[] {ROW, ROWS}, back.dims());
        assertSameBits(Axq.dequantizeRow(AxqType.Q8_0, qw.toBytes(), ROW * ROWS), back.toFloats());
        assertSameBits(back.toFloats(), any.toFloats());
        float[] orig = w.toFloats();
        float[] got = back.toFloats();
        for (int i = 0; i < orig.length; ++i) assertEquals(orig[i], got[i], 0.2 / 127);
        expect(AxqStatus.INVALID_ARGUMENT, "blk.0.w.weight", () -> q.dequantize("blk.0.w.weight", ROWS, ROW));
        expect(AxqStatus.INVALID_ARGUMENT, "blk.0.w.weight", () -> q.dequantize("blk.0.w.weight", ROW * ROWS));
      }
      // The tensor handed out is a copy: closing it leaves the model whole.
      m.tensor("x.norm.weight").close();
      try (Tensor norm = m.tensor("x.norm.weight")) {
        assertSameBits(wave(NORM, 0.3, 1.0), norm.toFloats());
      }
    }
    Model closed = Model.create();
    closed.close();
    closed.close();
    try {
      closed.tensorCount();
      fail("a closed model was used");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage().contains("closed"));
    }
  }

  @Test
  public void modelFiles() throws IOException {
    String f32Path = dir.resolve("f32.gguf").toString();
    String q8Path = dir.resolve("q8.gguf").toString();
    String backPath = dir.resolve("back.gguf").toString();
    Model.QuantizeOptions opts = new Model.QuantizeOptions().type(AxqType.Q4_0).rules("*norm*=f32", "*w*=q8_0");
    try (Model m = twoTensors(); Model q = m.quantize(opts)) {
      m.save(f32Path);
      try (Model loaded = Model.load(f32Path)) {
        assertEquals(m.names(), loaded.names());
        for (String name : m.names()) {
          try (Tensor a = m.tensor(name); Tensor b = loaded.tensor(name)) {
            assertEquals(a.type(), b.type());
            assertArrayEquals(a.dims(), b.dims());
            assertArrayEquals(a.toBytes(), b.toBytes());
          }
        }
      }

      // File to file gives the same tensors as in memory.
      Model.quantizeFile(q8Path, f32Path, opts);
      try (Model fromFile = Model.load(q8Path)) {
        assertEquals(q.names(), fromFile.names());
        for (String name : q.names()) {
          try (Tensor a = q.tensor(name); Tensor b = fromFile.tensor(name)) {
            assertEquals(a.type(), b.type());
            assertArrayEquals(a.toBytes(), b.toBytes());
          }
        }
      }

      Model.dequantizeFile(backPath, q8Path, AxqType.F32, 1);
      try (Model back = Model.load(backPath)) {
        assertEquals(0, back.summary().quantizedTensorCount);
        for (String name : q.names()) {
          try (Tensor want = q.dequantize(name); Tensor got = back.tensor(name)) {
            assertEquals(AxqType.F32, got.type());
            assertSameBits(want.toFloats(), got.toFloats());
          }
        }
      }
    }
    // AXQT for AxonML: one type throughout, positional names.
    String axqtPath = dir.resolve("m.axqt").toString();
    Model.quantizeFile(axqtPath, f32Path,
        new Model.QuantizeOptions().type(AxqType.Q8_0).outputFormat(Model.FileFormat.AXQT));
    try (Model axqt = Model.load(axqtPath); Tensor t = axqt.tensor("tensor.1")) {
      assertEquals(Arrays.asList("tensor.0", "tensor.1"), axqt.names());
      assertEquals(AxqType.Q8_0, t.type());
    }
    expect(AxqStatus.INVALID_ARGUMENT, "rules", () -> Model.quantizeFile(axqtPath, f32Path,
        new Model.QuantizeOptions().rules("*=f32").outputFormat(Model.FileFormat.AXQT)));

    String missing = dir.resolve("missing.gguf").toString();
    expect(AxqStatus.IO, "missing.gguf", () -> Model.load(missing));
    expect(AxqStatus.IO, "missing.gguf", () -> Model.quantizeFile(q8Path + ".x", missing, null));
    expect(AxqStatus.INVALID_ARGUMENT, "q4_0", () -> Model.dequantizeFile(backPath, q8Path, AxqType.Q4_0, 0));
    assertFalse(Files.exists(dir.resolve("q8.gguf.x")));
  }
}
