package org.axq;

import java.util.Objects;
import org.axq.internal.AxqNative;

/** Fake quantization for quantization-aware training, with the straight-through estimator. */
public final class FakeQuant {
  private FakeQuant() {}

  /** How the gradient mask is made. */
  public enum Ste {
    /** Mask 1 everywhere. */
    PLAIN(0),
    /** Mask 1 inside the representable range (bounds included), else 0. */
    CLAMPED(1);

    private final int code;

    Ste(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  /** y = dequant(quant(x)) and the mask (one 0 or 1 byte per element). */
  public static final class Result {
    public final float[] y;
    public final byte[] mask;

    Result(float[] y, byte[] mask) {
      this.y = y;
      this.mask = mask;
    }
  }

  /**
   * Fake-quantizes x with explicit parameters: bits 2..8, scale finite and
   * > 0 (a power of two for POWER_OF_TWO), zeroPoint 0..2^bits - 1 for
   * AFFINE and 0 otherwise. On all cores.
   */
  public static Result quantize(float[] x, int bits, IntTensor.Scheme scheme, float scale, int zeroPoint, Ste ste) {
    Objects.requireNonNull(x, "x");
    Native.load();
    float[] y = new float[x.length];
    byte[] mask = new byte[x.length];
    Native.check(AxqNative.fake_quantize(x, y, mask, bits, scheme.code(), scale, zeroPoint, ste.code(), 0));
    return new Result(y, mask);
  }

  /** The backward pass: gradIn[i] = mask[i] != 0 ? gradOut[i] : 0 (mask null: a copy). */
  public static float[] steBackward(float[] gradOut, byte[] mask) {
    Objects.requireNonNull(gradOut, "gradOut");
    if (mask != null && mask.length != gradOut.length) {
      throw new AxqException(AxqStatus.INVALID_ARGUMENT,
          "steBackward: " + mask.length + " mask bytes for " + gradOut.length + " gradients");
    }
    Native.load();
    float[] gradIn = new float[gradOut.length];
    Native.check(AxqNative.ste_backward(gradOut, mask != null ? mask : new byte[0], gradIn));
    return gradIn;
  }

  /** y = dequant(quant(src)) as a new F32 tensor (close it) and the mask. */
  public static final class TensorResult {
    public final Tensor y;
    public final byte[] mask;

    TensorResult(Tensor y, byte[] mask) {
      this.y = y;
      this.mask = mask;
    }
  }

  /**
   * Fake-quantizes the F32 tensor src with the scales and zero points
   * {@link IntTensor#quantize} would choose for opts (null = the defaults):
   * the result equals IntTensor.quantize(src, opts).dequantize() bit for
   * bit; the mask (one byte per element) is made per ste with each
   * element's own scale and zero point.
   */
  public static TensorResult quantizeTensor(Tensor src, Ste ste, IntTensor.Options opts) {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(ste, "ste");
    IntTensor.Options o = opts != null ? opts : new IntTensor.Options();
    byte[] mask = new byte[Math.toIntExact(src.elementCount())];
    Tensor y = new Tensor(Native.checkHandle(AxqNative.fake_quantize_tensor(src.handle(), ste.code(), o.bits,
        o.scheme.code(), o.granularity.code(), o.axis, o.groupSize, o.threads, mask)));
    return new TensorResult(y, mask);
  }

  /**
   * The scale and zero point for an observed range [min, max] (finite,
   * min <= max) under bits and scheme, exactly as {@link IntTensor#quantize}
   * derives them from a set with that minimum and maximum (the symmetric
   * schemes use max(|min|, |max|)).
   */
  public static Calibrator.Params paramsFromRange(int bits, IntTensor.Scheme scheme, float min, float max) {
    Objects.requireNonNull(scheme, "scheme");
    Native.load();
    float[] scale = new float[1];
    long[] zp = new long[1];
    Native.check(AxqNative.fake_quant_params_from_range(bits, scheme.code(), min, max, scale, zp));
    return new Calibrator.Params(scale[0], (int) zp[0]);
  }
}
