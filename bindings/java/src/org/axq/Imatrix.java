package org.axq;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.axq.internal.AxqNative;
import org.axq.internal.SWIGTYPE_p_axq_imatrix;

/**
 * An importance matrix (axq/imatrix.h): per weight name, the sum of squared
 * activations of each input column and the number of rows summed, as
 * llama-imatrix collects them. {@link #values} gives the per-column
 * importance {@link Tensor#quantize(AxqType, float[])} takes; a whole
 * matrix goes to {@link Model.QuantizeOptions#imatrix}. Files are
 * llama.cpp's (GGUF, or the legacy .dat when loading). It holds native
 * memory: close it (try-with-resources); a Cleaner frees a forgotten one.
 * Any method may run from several threads at once; close must not race
 * with other uses.
 */
public final class Imatrix extends NativeObject<SWIGTYPE_p_axq_imatrix> {
  private Imatrix(SWIGTYPE_p_axq_imatrix handle) {
    super(handle, AxqNative::imatrix_destroy, "imatrix");
  }

  /** An empty matrix. */
  public static Imatrix create() {
    Native.load();
    return new Imatrix(Native.checkHandle(AxqNative.imatrix_create()));
  }

  /**
   * A GGUF or legacy .dat imatrix file (told apart by content): IO if it
   * cannot be read, CORRUPT_DATA if it is not a valid imatrix.
   */
  public static Imatrix load(String path) {
    Objects.requireNonNull(path, "path");
    Native.load();
    return new Imatrix(Native.checkHandle(AxqNative.imatrix_load(path)));
  }

  /**
   * Writes the GGUF format llama-quantize reads; the file appears only when
   * complete (INVALID_ARGUMENT for a matrix without entries).
   */
  public void save(String path) {
    Objects.requireNonNull(path, "path");
    Native.check(AxqNative.imatrix_save(handle(), path));
  }

  /**
   * Adds rows x cols activations x (row-major, one row per token entering
   * the weight name) to the entry name, made on first use with cols
   * columns. A NaN or Inf is NON_FINITE and leaves the matrix unchanged.
   */
  public void accumulate(String name, float[] x, long rows, long cols) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(x, "x");
    // The C helper rejects a wrong length without a message of its own.
    if (rows > 0 && cols > 0 && (x.length % cols != 0 || x.length / cols != rows)) {
      throw new AxqException(AxqStatus.INVALID_ARGUMENT,
          "x: " + x.length + " values, but " + rows + " rows of " + cols + " need " + rows * cols);
    }
    Native.check(AxqNative.imatrix_accumulate(handle(), x, rows, cols, name));
  }

  /** The number of entries. */
  public long count() {
    return Native.check(AxqNative.imatrix_count(handle()));
  }

  /** The entries' names in byte-wise order (a snapshot). */
  public List<String> names() {
    SWIGTYPE_p_axq_imatrix h = handle();
    int n = Math.toIntExact(Native.check(AxqNative.imatrix_count(h)));
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; ++i) names.add(AxqNative.imatrix_name(h, i));
    return Collections.unmodifiableList(names);
  }

  /**
   * The number of importance values of entry name (the weight's row length,
   * times the experts for an expert entry); INVALID_ARGUMENT for a name the
   * matrix does not hold.
   */
  public long columns(String name) {
    Objects.requireNonNull(name, "name");
    return Native.check(AxqNative.imatrix_columns(handle(), name));
  }

  /**
   * Entry name's importance per column (sum / count, or 1 where nothing was
   * counted): what {@link Tensor#quantize(AxqType, float[])} takes to
   * quantize that weight as llama-quantize would.
   */
  public float[] values(String name) {
    Objects.requireNonNull(name, "name");
    SWIGTYPE_p_axq_imatrix h = handle();
    float[] dst = new float[Math.toIntExact(Native.check(AxqNative.imatrix_columns(h, name)))];
    Native.check(AxqNative.imatrix_values(h, dst, name));
    return dst;
  }
}
