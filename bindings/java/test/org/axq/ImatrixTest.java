package org.axq;

import static org.axq.TestSupport.expect;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.Test;

/** Importance matrices, weighted quantization, K-quants and llama.cpp's mixes. */
public class ImatrixTest extends TestSupport.WithScratchDir {


  private static float[] gaussian(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; ++i) v[i] = (float) r.nextGaussian();
    return v;
  }

  private static void assertSameBits(float[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; ++i) {
      if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
        fail("element " + i + ": " + got[i] + " != " + want[i]);
      }
    }
  }

  private static double relativeRms(float[] want, float[] got) {
    double num = 0, den = 0;
    for (int i = 0; i < want.length; ++i) {
      num += ((double) got[i] - want[i]) * ((double) got[i] - want[i]);
      den += (double) want[i] * want[i];
    }
    return Math.sqrt(num / den);
  }

  private static double weightedSse(float[] want, float[] got, float[] importance) {
    double s = 0;
    for (int i = 0; i < want.length; ++i) {
      double d = (double) got[i] - want[i];
      s += importance[i % importance.length] * d * d;
    }
    return s;
  }

  /** Every seventh column weighs 1000 times more. */
  private static float[] skewedImportance(int n) {
    float[] imp = new float[n];
    for (int j = 0; j < n; ++j) imp[j] = j % 7 == 0 ? 100f : 0.1f;
    return imp;
  }

  private static float[] dequantized(Tensor q) {
    try (Tensor d = q.dequantize()) {
      return d.toFloats();
    }
  }

  @Test
  public void kQuantsRoundTrip() {
    final int cols = 256, rows = 8;
    float[] src = gaussian(cols * rows, 11);
    // About 10 % above what 0.5.0 measures on this data; smaller errors with more bits.
    AxqType[] types = {AxqType.Q2_K, AxqType.Q3_K, AxqType.Q4_K, AxqType.Q5_K, AxqType.Q6_K};
    double[] bounds = {0.33, 0.17, 0.08, 0.04, 0.02};
    double previous = Double.POSITIVE_INFINITY;
    try (Tensor x = Tensor.fromFloats(src, cols, rows)) {
      for (int i = 0; i < types.length; ++i) {
        assertTrue(types[i].canQuantize());
        try (Tensor q = x.quantize(types[i])) {
          assertEquals(types[i], q.type());
          assertArrayEquals(new long[] {cols, rows}, q.dims());
          assertEquals(rows * types[i].blockBytes(), q.byteCount());
          double err = relativeRms(src, dequantized(q));
          assertTrue(types[i] + ": relative RMS error " + err, err < bounds[i] && err < previous);
          previous = err;
        }
      }
    }
  }

  @Test
  public void weightedQ4KQuantization() {
    final int cols = 256, rows = 4;
    float[] src = gaussian(cols * rows, 12);
    float[] imp = skewedImportance(cols);
    try (Tensor x = Tensor.fromFloats(src, cols, rows);
        Tensor plain = x.quantize(AxqType.Q4_K);
        Tensor weighted = x.quantize(AxqType.Q4_K, imp);
        Tensor oneThread = x.quantize(AxqType.Q4_K, 1, Tensor.TernaryRule.REFERENCE, imp);
        Tensor none = x.quantize(AxqType.Q4_K, null)) {
      assertFalse("importance changed no byte", Arrays.equals(plain.toBytes(), weighted.toBytes()));
      assertArrayEquals(weighted.toBytes(), oneThread.toBytes());
      assertArrayEquals(plain.toBytes(), none.toBytes());
      float[] plainBack = dequantized(plain);
      float[] weightedBack = dequantized(weighted);
      double pw = weightedSse(src, plainBack, imp), ww = weightedSse(src, weightedBack, imp);
      assertTrue("weighted error with importance " + ww + " >= without " + pw, ww < pw);

      QuantReport report = QuantReport.of(x, AxqType.Q4_K, imp);
      assertEquals(ErrorStats.compare(src, weightedBack).mse, report.error.mse, 0.0);
      assertEquals(weighted.byteCount(), report.bytes);
      assertEquals(ErrorStats.compare(src, plainBack).mse, QuantReport.of(x, AxqType.Q4_K, null).error.mse, 0.0);

      float[] nan = imp.clone();
      nan[3] = Float.NaN;
      float[] negative = imp.clone();
      negative[0] = -1;
      for (float[] bad : new float[][] {Arrays.copyOf(imp, 255), nan, negative}) {
        expect(AxqStatus.INVALID_ARGUMENT, "importance", () -> x.quantize(AxqType.Q4_K, bad));
        expect(AxqStatus.INVALID_ARGUMENT, "importance", () -> QuantReport.of(x, AxqType.Q4_K, bad));
      }
      expect(AxqStatus.INVALID_ARGUMENT, "importance: empty", () -> x.quantize(AxqType.Q4_K, new float[0]));
    }
  }

  @Test
  public void imatrixAccumulateSaveLoad() {
    final int cols = 256;
    float[] a = gaussian(3 * cols, 13), b = gaussian(2 * cols, 14);
    try (Imatrix im = Imatrix.create()) {
      assertEquals(0, im.count());
      im.accumulate("blk.0.attn_q.weight", a, 3, cols);
      im.accumulate("blk.0.attn_q.weight", b, 2, cols);
      im.accumulate("a.weight", new float[] {1, 2, 3, 4}, 1, 4);
      assertEquals(2, im.count());
      assertEquals(Arrays.asList("a.weight", "blk.0.attn_q.weight"), im.names());
      assertEquals(cols, im.columns("blk.0.attn_q.weight"));

      // Importance = (f32) sum of squares / rows, the sums kept in double.
      float[] want = new float[cols];
      for (int j = 0; j < cols; ++j) {
        double s = 0;
        for (float[] rows : new float[][] {a, b}) {
          for (int r = 0; r < rows.length / cols; ++r) s += (double) rows[r * cols + j] * rows[r * cols + j];
        }
        want[j] = (float) s / 5f;
      }
      assertSameBits(want, im.values("blk.0.attn_q.weight"));
      assertSameBits(new float[] {1, 4, 9, 16}, im.values("a.weight"));

      String path = dir.resolve("imatrix.gguf").toString();
      im.save(path);
      try (Imatrix loaded = Imatrix.load(path)) {
        assertEquals(im.names(), loaded.names());
        for (String name : im.names()) assertSameBits(im.values(name), loaded.values(name));
      }
    }
  }

  @Test
  public void imatrixErrors() {
    Imatrix im = Imatrix.create();
    String path = dir.resolve("imatrix.gguf").toString();
    expect(AxqStatus.INVALID_ARGUMENT, "", () -> im.save(path));
    im.accumulate("w.weight", gaussian(8, 15), 2, 4);
    expect(AxqStatus.INVALID_ARGUMENT, "w.weight", () -> im.accumulate("w.weight", gaussian(8, 16), 1, 8));
    expect(AxqStatus.INVALID_ARGUMENT, "x: 5 values", () -> im.accumulate("w.weight", gaussian(5, 16), 2, 4));
    expect(AxqStatus.NON_FINITE, "", () -> im.accumulate("w.weight", new float[] {1, Float.POSITIVE_INFINITY, 0, 0}, 1, 4));
    expect(AxqStatus.INVALID_ARGUMENT, "name", () -> im.accumulate("", new float[] {1}, 1, 1));
    expect(AxqStatus.INVALID_ARGUMENT, "no.such.weight", () -> im.columns("no.such.weight"));
    expect(AxqStatus.INVALID_ARGUMENT, "no.such.weight", () -> im.values("no.such.weight"));
    assertEquals(4, im.values("w.weight").length); // the failed calls changed nothing
    expect(AxqStatus.IO, "", () -> Imatrix.load(dir.resolve("missing.gguf").toString()));
    im.close();
    im.close();
    try {
      im.count();
      fail("count after close");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage().contains("imatrix is closed"));
    }
  }

  @Test
  public void mixNames() {
    assertEquals(Mix.Q4_K_M, Mix.fromName("q4_k_m"));
    assertEquals("Q4_K_M", Mix.Q4_K_M.llamaName());
    for (Mix m : Mix.values()) {
      if (m == Mix.NONE) continue;
      assertEquals(m.name(), m.llamaName());
      assertEquals(m, Mix.fromName(m.llamaName()));
      assertEquals(m, Mix.fromId(m.id()));
    }
    assertEquals(-1, Mix.NONE.id());
    assertNull(Mix.NONE.llamaName());
    expect(AxqStatus.UNKNOWN_TYPE, "Q9_K_X", () -> Mix.fromName("Q9_K_X"));
    expect(AxqStatus.UNKNOWN_TYPE, "99", () -> Mix.fromId(99));
  }

  /** A one-layer model with llama.cpp's tensor names, rows of 256. */
  private static Model mixModel() {
    Map<String, long[]> specs = new LinkedHashMap<>();
    specs.put("token_embd.weight", new long[] {256, 8});
    specs.put("output_norm.weight", new long[] {256});
    specs.put("output.weight", new long[] {256, 8});
    specs.put("blk.0.attn_norm.weight", new long[] {256});
    specs.put("blk.0.attn_q.weight", new long[] {256, 16});
    specs.put("blk.0.attn_v.weight", new long[] {256, 16});
    specs.put("blk.0.ffn_down.weight", new long[] {256, 16});
    Model m = Model.create();
    long seed = 20;
    for (Map.Entry<String, long[]> e : specs.entrySet()) {
      int n = (int) Arrays.stream(e.getValue()).reduce(1, (p, d) -> p * d);
      try (Tensor t = Tensor.fromFloats(gaussian(n, seed++), e.getValue())) {
        m.add(e.getKey(), t);
      }
    }
    return m;
  }

  private static AxqType typeOf(Model m, String name) {
    try (Tensor t = m.tensor(name)) {
      return t.type();
    }
  }

  private static byte[] bytesOf(Model m, String name) {
    try (Tensor t = m.tensor(name)) {
      return t.toBytes();
    }
  }

  @Test
  public void modelQuantizeWithMixAndImatrix() {
    Map<String, AxqType> want = new LinkedHashMap<>();
    want.put("token_embd.weight", AxqType.Q4_K);
    want.put("output_norm.weight", AxqType.F32);
    want.put("output.weight", AxqType.Q6_K);
    want.put("blk.0.attn_norm.weight", AxqType.F32);
    want.put("blk.0.attn_q.weight", AxqType.Q4_K);
    // The only layer is in llama.cpp's "more bits" set.
    want.put("blk.0.attn_v.weight", AxqType.Q6_K);
    want.put("blk.0.ffn_down.weight", AxqType.Q6_K);

    float[] acts = gaussian(4 * 256, 30);
    for (int j = 0; j < 256; j += 5) {
      for (int r = 0; r < 4; ++r) acts[r * 256 + j] *= 20;
    }
    String attnQ = "blk.0.attn_q.weight";
    try (Model m = mixModel();
        Imatrix im = Imatrix.create()) {
      im.accumulate(attnQ, acts, 4, 256);
      Model.QuantizeOptions mixOnly = new Model.QuantizeOptions().mix(Mix.Q4_K_M).type(AxqType.Q8_0);
      assertEquals(Mix.Q4_K_M, mixOnly.mix());
      assertEquals(Mix.NONE, new Model.QuantizeOptions().mix());
      Model.QuantizeOptions withImatrix = new Model.QuantizeOptions().mix(Mix.Q4_K_M).imatrix(im);
      assertTrue(withImatrix.imatrix() == im);
      try (Model q = m.quantize(mixOnly);
          Model wq = m.quantize(withImatrix);
          Tensor src = m.tensor(attnQ);
          Tensor direct = src.quantize(AxqType.Q4_K, im.values(attnQ))) {
        for (Map.Entry<String, AxqType> e : want.entrySet()) {
          assertEquals(e.getKey(), e.getValue(), typeOf(q, e.getKey()));
          assertEquals(e.getKey(), e.getValue(), typeOf(wq, e.getKey()));
        }
        // The entry changes its tensor only, exactly as quantizing it with the entry's values does.
        assertFalse(Arrays.equals(bytesOf(q, attnQ), bytesOf(wq, attnQ)));
        assertArrayEquals(direct.toBytes(), bytesOf(wq, attnQ));
        assertArrayEquals(bytesOf(q, "blk.0.attn_v.weight"), bytesOf(wq, "blk.0.attn_v.weight"));

        // The same through files.
        String in = dir.resolve("in.gguf").toString(), out = dir.resolve("out.gguf").toString();
        m.save(in);
        Model.quantizeFile(out, in, withImatrix);
        try (Model fq = Model.load(out)) {
          for (Map.Entry<String, AxqType> e : want.entrySet()) {
            assertEquals(e.getKey(), e.getValue(), typeOf(fq, e.getKey()));
            assertArrayEquals(e.getKey(), bytesOf(wq, e.getKey()), bytesOf(fq, e.getKey()));
          }
        }

        // An entry of the wrong size names the tensor; a closed imatrix cannot be used.
        Imatrix bad = Imatrix.create();
        bad.accumulate(attnQ, gaussian(128, 31), 1, 128);
        Model.QuantizeOptions badOptions = new Model.QuantizeOptions().mix(Mix.Q4_K_M).imatrix(bad);
        expect(AxqStatus.INVALID_ARGUMENT, attnQ, () -> m.quantize(badOptions));
        bad.close();
        try {
          m.quantize(badOptions);
          fail("quantize with a closed imatrix");
        } catch (IllegalStateException expected) {
          assertTrue(expected.getMessage().contains("imatrix is closed"));
        }
      }
    }
  }
}
