package org.axq;

import java.util.Objects;
import org.axq.internal.AxqNative;

/**
 * What quantizing a tensor to a type costs and loses: bytes counts the
 * quantized tensor with its scales, bitsPerWeight = 8 * bytes / elements,
 * compressionRatio = 4 * elements / bytes, and error compares the
 * dequantized tensor with the source.
 */
public final class QuantReport {
  public final AxqType type;
  public final long elements;
  public final long bytes;
  public final double bitsPerWeight;
  public final double compressionRatio;
  public final ErrorStats error;

  private QuantReport(AxqType type, double[] r) {
    this.type = type;
    elements = (long) r[0];
    bytes = (long) r[1];
    bitsPerWeight = r[2];
    compressionRatio = r[3];
    error = new ErrorStats(r, 4);
  }

  /** Quantizes the F32 tensor src to type (on all cores), expands it back and compares. */
  public static QuantReport of(Tensor src, AxqType type) {
    return of(src, type, null);
  }

  /**
   * The same with an importance per column (null: none), quantized as
   * {@link Tensor#quantize(AxqType, float[])} does.
   */
  public static QuantReport of(Tensor src, AxqType type, float[] importance) {
    Objects.requireNonNull(src, "src");
    double[] reals = new double[13];
    Native.check(AxqNative.quant_report(src.handle(), type.id(), 0, Tensor.TernaryRule.REFERENCE.code(),
        Tensor.importanceArray(importance), -1, reals));
    return new QuantReport(type, reals);
  }
}
