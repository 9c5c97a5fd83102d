using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Axq.Internal;

namespace Axq {

/// <summary>
/// An importance matrix (axq/imatrix.h): per weight name, the sum of squared
/// activations of each input column and the number of rows summed, as
/// llama-imatrix collects them. Values gives the per-column importance
/// Tensor.Quantize takes; a whole matrix goes to QuantizeOptions.Imatrix.
/// Files are llama.cpp's (GGUF, or the legacy .dat when loading). It holds
/// native memory through a SafeHandle: dispose it (using); the handle's
/// finalizer frees a forgotten one. Any member may run from several threads
/// at once.
/// </summary>
public sealed class Imatrix : IDisposable {
  private sealed class ImatrixHandle : SafeHandle {
    internal ImatrixHandle(IntPtr ptr) : base(IntPtr.Zero, true) {
      SetHandle(ptr);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() {
      AxqNative.imatrix_destroy(new SWIGTYPE_p_axq_imatrix(handle, false));
      return true;
    }
  }

  private readonly ImatrixHandle safe;

  private Imatrix(SWIGTYPE_p_axq_imatrix raw) {
    safe = new ImatrixHandle(SWIGTYPE_p_axq_imatrix.getCPtr(raw).Handle);
  }

  /// <summary>Runs fn on the live handle, kept alive for the call.</summary>
  internal T Use<T>(Func<SWIGTYPE_p_axq_imatrix, T> fn) {
    if (safe.IsClosed) throw new ObjectDisposedException(nameof(Imatrix), "axq: imatrix is closed");
    bool added = false;
    try {
      safe.DangerousAddRef(ref added);
      return fn(new SWIGTYPE_p_axq_imatrix(safe.DangerousGetHandle(), false));
    } finally {
      if (added) safe.DangerousRelease();
    }
  }

  /// <summary>Frees the matrix; disposing again does nothing.</summary>
  public void Dispose() => safe.Dispose();

  private static Imatrix Wrap(SWIGTYPE_p_axq_imatrix raw) => new Imatrix(Native.CheckHandle(raw));

  /// <summary>An empty matrix.</summary>
  public static Imatrix Create() => Wrap(AxqNative.imatrix_create());

  /// <summary>
  /// A GGUF or legacy .dat imatrix file (told apart by content): IO if it
  /// cannot be read, CorruptData if it is not a valid imatrix.
  /// </summary>
  public static Imatrix Load(string path) {
    if (path == null) throw new ArgumentNullException(nameof(path));
    return Wrap(AxqNative.imatrix_load(path));
  }

  /// <summary>
  /// Writes the GGUF format llama-quantize reads; the file appears only when
  /// complete (InvalidArgument for a matrix without entries).
  /// </summary>
  public void Save(string path) {
    if (path == null) throw new ArgumentNullException(nameof(path));
    Use(h => Native.Check(AxqNative.imatrix_save(h, path)));
  }

  /// <summary>
  /// Adds rows x cols activations x (row-major, one row per token entering
  /// the weight name) to the entry name, made on first use with cols
  /// columns. A NaN or Inf is NonFinite and leaves the matrix unchanged.
  /// </summary>
  public void Accumulate(string name, float[] x, long rows, long cols) {
    if (name == null) throw new ArgumentNullException(nameof(name));
    if (x == null) throw new ArgumentNullException(nameof(x));
    // The C helper rejects a wrong length without a message of its own.
    if (rows > 0 && cols > 0 && (x.Length % cols != 0 || x.Length / cols != rows)) {
      throw new AxqException(AxqStatus.InvalidArgument,
                             "x: " + x.Length + " values, but " + rows + " rows of " + cols + " need " + rows * cols);
    }
    Use(h => Native.Check(AxqNative.imatrix_accumulate(h, x, (ulong)x.Length, rows, cols, name)));
  }

  /// <summary>The number of entries.</summary>
  public long Count => Use(h => Native.Check(AxqNative.imatrix_count(h)));

  /// <summary>The entries' names in byte-wise order (a snapshot).</summary>
  public IReadOnlyList<string> Names => Use(h => {
    long n = Native.Check(AxqNative.imatrix_count(h));
    var names = new List<string>((int)n);
    for (long i = 0; i < n; ++i) names.Add(AxqNative.imatrix_name(h, i));
    return (IReadOnlyList<string>)names.AsReadOnly();
  });

  /// <summary>
  /// The number of importance values of entry name (the weight's row length,
  /// times the experts for an expert entry); InvalidArgument for a name the
  /// matrix does not hold.
  /// </summary>
  public long Columns(string name) {
    if (name == null) throw new ArgumentNullException(nameof(name));
    return Use(h => Native.Check(AxqNative.imatrix_columns(h, name)));
  }

  /// <summary>
  /// Entry name's importance per column (sum / count, or 1 where nothing was
  /// counted): what Tensor.Quantize takes to quantize that weight as
  /// llama-quantize would.
  /// </summary>
  public float[] Values(string name) {
    if (name == null) throw new ArgumentNullException(nameof(name));
    return Use(h => {
      float[] dst = new float[Native.Check(AxqNative.imatrix_columns(h, name))];
      Native.Check(AxqNative.imatrix_values(h, dst, (ulong)dst.Length, name));
      return dst;
    });
  }
}

}
