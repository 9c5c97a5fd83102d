package org.axq;

import static org.axq.TestSupport.expect;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.Test;

public class AxqTest {
  private static Path vectors() {
    String dir = System.getenv("AXQ_VECTOR_DIR");
    if (dir == null) throw new IllegalStateException("AXQ_VECTOR_DIR is not set (meson test sets it)");
    return Paths.get(dir);
  }

  private static byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(vectors().resolve(name));
  }

  private static float[] floats(String name) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes(name)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  private static void assertSameBits(float[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; ++i) {
      if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
        fail("element " + i + ": " + got[i] + " != " + want[i]);
      }
    }
  }


  @Test
  public void versionAndTypes() {
    assertEquals(2, Axq.version().chars().filter(c -> c == '.').count());
    assertEquals(AxqType.Q4_0, AxqType.fromName("Q4_0"));
    assertEquals("q4_0", AxqType.Q4_0.ggmlName());
    assertEquals(32, AxqType.Q4_0.blockElements());
    assertEquals(18, AxqType.Q4_0.blockBytes());
    assertTrue(AxqType.I2_S.canQuantize());
    assertEquals(36, AxqType.I2_S.id());
    assertEquals(256 / 4 + 32, Axq.rowSize(AxqType.I2_S, 256));
    expect(AxqStatus.UNKNOWN_TYPE, "no_such", () -> AxqType.fromName("no_such"));
    assertEquals(AxqStatus.CORRUPT_DATA, AxqStatus.fromCode(-8));
    assertEquals(AxqStatus.INTERNAL, AxqStatus.fromCode(-1234));
  }

  @Test
  public void quantizeRowMatchesGgmlVectors() throws IOException {
    float[] src = floats("gauss_n01.in.f32");
    for (AxqType t : new AxqType[] {AxqType.Q4_0, AxqType.Q8_0}) {
      String name = t.ggmlName();
      byte[] got = Axq.quantizeRow(t, src);
      assertArrayEquals(name, bytes("gauss_n01." + name + ".bin"), got);
      assertSameBits(floats("gauss_n01." + name + ".deq.f32"), Axq.dequantizeRow(t, got, src.length));
      byte[] into = new byte[got.length + 5];
      assertEquals(got.length, Axq.quantizeRow(t, src, into));
      float[] back = new float[src.length];
      Axq.dequantizeRow(t, got, back);
      assertSameBits(floats("gauss_n01." + name + ".deq.f32"), back);
    }
  }

  @Test
  public void directBuffersGoWithoutCopies() throws IOException {
    float[] src = floats("gauss_n01.in.f32");
    byte[] want = bytes("gauss_n01.q4_0.bin");
    FloatBuffer in = ByteBuffer.allocateDirect(4 * (src.length + 3)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    in.position(3);
    in.put(src).flip().position(3);  // values at 3.., so position is honoured
    ByteBuffer out = ByteBuffer.allocateDirect(want.length + 8);
    out.position(8);
    assertEquals(want.length, Axq.quantizeRow(AxqType.Q4_0, in, out));
    assertEquals(8 + want.length, out.position());
    byte[] got = new byte[want.length];
    out.position(8);
    out.get(got);
    assertArrayEquals(want, got);
    out.position(8);
    FloatBuffer back = ByteBuffer.allocateDirect(4 * src.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Axq.dequantizeRow(AxqType.Q4_0, out, back);
    back.flip();
    float[] values = new float[src.length];
    back.get(values);
    assertSameBits(floats("gauss_n01.q4_0.deq.f32"), values);
    try {
      Axq.quantizeRow(AxqType.Q4_0, FloatBuffer.wrap(src), out);
      fail("a heap buffer was accepted");
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().contains("direct"));
    }
    try {
      Axq.quantizeRow(AxqType.Q4_0, ByteBuffer.allocateDirect(4 * 32).order(ByteOrder.BIG_ENDIAN).asFloatBuffer(), out);
      fail("a big-endian buffer was accepted");
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().contains("byte order"));
    }
  }

  @Test
  public void everyStatusComesWithTheLibraryMessage() {
    expect(AxqStatus.INVALID_ARGUMENT, "multiple of 32", () -> Axq.quantizeRow(AxqType.Q4_0, new float[33]));
    expect(AxqStatus.INVALID_ARGUMENT, "multiple of 256", () -> Axq.quantizeRow(AxqType.Q2_K, new float[128]));
    expect(AxqStatus.BUFFER_TOO_SMALL, "dst_capacity",
        () -> Axq.quantizeRow(AxqType.Q8_0, new float[32], new byte[10]));
    float[] bad = new float[64];
    bad[40] = Float.NaN;
    expect(AxqStatus.NON_FINITE, "src[40]", () -> Axq.quantizeRow(AxqType.Q4_0, bad));
    expect(AxqStatus.INVALID_ARGUMENT, "dims[0]", () -> Tensor.create(AxqType.Q4_0, 33));
    try {
      Axq.quantizeRow(AxqType.Q4_0, null);
      fail("null array accepted");
    } catch (NullPointerException expected) {
      // the binding rejects null arrays before the library sees them
    }
  }

  @Test
  public void tensorLifecycle() {
    float[] data = new float[2 * 64];
    for (int i = 0; i < data.length; ++i) data[i] = (i % 17) / 17.0f - 0.5f;
    try (Tensor src = Tensor.fromFloats(data, 64, 2)) {
      assertEquals(AxqType.F32, src.type());
      assertArrayEquals(new long[] {64, 2}, src.dims());
      assertEquals(128, src.elementCount());
      assertEquals(512, src.byteCount());
      assertSameBits(data, src.toFloats());
      Tensor q = src.quantize(AxqType.Q4_0, 2, Tensor.TernaryRule.REFERENCE);
      assertArrayEquals(Axq.quantizeRow(AxqType.Q4_0, data), q.toBytes());
      expect(AxqStatus.INVALID_ARGUMENT, "not f32", q::toFloats);
      try (Tensor back = q.dequantize(); Tensor again = Tensor.fromBytes(AxqType.Q4_0, q.toBytes(), 64, 2)) {
        assertEquals(AxqType.F32, back.type());
        assertArrayEquals(q.toBytes(), again.toBytes());
      }
      expect(AxqStatus.INVALID_ARGUMENT, "size", () -> Tensor.fromBytes(AxqType.Q4_0, new byte[10], 64, 2));
      q.close();
      q.close(); // idempotent
      try {
        q.toBytes();
        fail("a closed tensor was used");
      } catch (IllegalStateException expected) {
        assertTrue(expected.getMessage().contains("closed"));
      }
    }
  }

  @Test
  public void i2sMatmulMatchesC() throws IOException {
    final long m = 16, k = 256, n = 4; // i2s_ternary in i2s_manifest.tsv
    try (Tensor w32 = Tensor.fromFloats(floats("i2s_ternary.w.f32"), k, m);
        Tensor w = w32.quantize(AxqType.I2_S);
        Tensor x = Tensor.fromFloats(floats("i2s_ternary.act.f32"), k, n);
        Tensor xi8 = x.quantize(AxqType.I8_S);
        Tensor y1 = Tensor.create(AxqType.F32, m, n);
        Tensor y2 = Tensor.create(AxqType.F32, m, n);
        Tensor y3 = Tensor.create(AxqType.F32, m, n)) {
      assertArrayEquals(bytes("i2s_ternary.i2s.bin"), w.toBytes());
      Tensor.I8sRow row = xi8.i8sRow(1);
      assertArrayEquals(java.util.Arrays.copyOfRange(bytes("i2s_ternary.act.i8"), (int) k, (int) (2 * k)), row.codes);
      assertEquals(floats("i2s_ternary.act_scale.f32")[1], row.scale, 0.0f);
      assertEquals(ByteBuffer.wrap(bytes("i2s_ternary.act_sum.i32")).order(ByteOrder.LITTLE_ENDIAN).getInt(4), row.sum);
      expect(AxqStatus.INVALID_ARGUMENT, "row", () -> xi8.i8sRow(n));
      Axq.matmulI2S(y1, w, x, 0);
      Axq.matmulI2SI8(y2, w, xi8, 2);
      Axq.matmul(y3, w, x);
      float[] want = floats("i2s_ternary.out.f32");
      assertSameBits(want, y1.toFloats());
      assertSameBits(want, y2.toFloats());
      assertSameBits(want, y3.toFloats());
      try (Tensor bad = Tensor.create(AxqType.F32, m + 1, n)) {
        expect(AxqStatus.INVALID_ARGUMENT, "expected M x N", () -> Axq.matmulI2S(bad, w, x, 0));
      }
    }
  }

  @Test
  public void repackKeepsResults() {
    final int m = 20, k = 128, n = 3;
    float[] wd = new float[m * k];
    float[] xd = new float[n * k];
    for (int i = 0; i < wd.length; ++i) wd[i] = (float) Math.sin(i * 0.37);
    for (int i = 0; i < xd.length; ++i) xd[i] = (float) Math.cos(i * 0.11);
    try (Tensor w32 = Tensor.fromFloats(wd, k, m);
        Tensor x = Tensor.fromFloats(xd, k, n);
        Tensor w = w32.quantize(AxqType.Q8_0);
        Tensor packed = w.repack();
        Tensor y1 = Tensor.create(AxqType.F32, m, n);
        Tensor y2 = Tensor.create(AxqType.F32, m, n)) {
      assertTrue(packed.isRepacked());
      assertFalse(w.isRepacked());
      expect(AxqStatus.UNSUPPORTED, "repacked", packed::toBytes);
      Axq.matmul(y1, w, x);
      Axq.matmul(y2, packed, x);
      assertSameBits(y1.toFloats(), y2.toFloats());
    }
  }

  @Test
  public void simdTargets() {
    String[] targets = Axq.simdTargets();
    assertTrue(targets.length > 0);
    expect(AxqStatus.INVALID_ARGUMENT, "NOSUCH", () -> Axq.setSimdTargets("NOSUCH"));
    Axq.setSimdTargets(targets[targets.length - 1]);
    assertEquals(targets[targets.length - 1], Axq.simdTarget());
    Axq.setSimdTargets("");
    assertEquals(targets[0], Axq.simdTarget());
  }

  private static long rssKiB() throws IOException {
    String[] fields = new String(Files.readAllBytes(Paths.get("/proc/self/statm"))).trim().split(" ");
    return Long.parseLong(fields[1]) * 4;
  }

  /** 100 000 tensors made and closed: the process does not grow. */
  @Test
  public void createAndCloseDoesNotLeak() throws IOException {
    float[] data = new float[256];
    for (int round = 0; round < 2; ++round) {
      long before = rssKiB();
      for (int i = 0; i < 100_000; ++i) {
        try (Tensor x = Tensor.fromFloats(data, 256); Tensor q = x.quantize(AxqType.Q8_0, 1, Tensor.TernaryRule.REFERENCE)) {
          q.byteCount();
        }
      }
      long after = rssKiB();
      // The first round warms up the JIT and allocators; 100 000 leaked
      // pairs would be over 100 MiB.
      if (round == 1) assertTrue("RSS grew from " + before + " to " + after + " KiB", after - before < 16 * 1024);
    }
  }
}
