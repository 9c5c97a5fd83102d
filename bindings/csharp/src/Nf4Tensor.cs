using System;
using System.Runtime.InteropServices;
using Axq.Internal;

namespace Axq {

/// <summary>One of bitsandbytes' 4-bit formats.</summary>
public enum FourBitKind { Nf4 = 0, Fp4 = 1 }

/// <summary>
/// A vector quantized to NF4 or FP4 with blockwise absmax, optionally
/// double-quantized. Immutable once made. It holds native memory through a
/// SafeHandle: dispose it (using).
/// </summary>
public sealed class Nf4Tensor : IDisposable {
  private sealed class Nf4Handle : SafeHandle {
    internal Nf4Handle(IntPtr ptr) : base(IntPtr.Zero, true) {
      SetHandle(ptr);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() {
      AxqNative.nf4_destroy(new SWIGTYPE_p_axq_nf4_tensor(handle, false));
      return true;
    }
  }

  private readonly Nf4Handle safe;

  private Nf4Tensor(SWIGTYPE_p_axq_nf4_tensor raw) {
    safe = new Nf4Handle(SWIGTYPE_p_axq_nf4_tensor.getCPtr(raw).Handle);
  }

  private T Use<T>(Func<SWIGTYPE_p_axq_nf4_tensor, T> fn) {
    if (safe.IsClosed) throw new ObjectDisposedException(nameof(Nf4Tensor), "axq: nf4 tensor is closed");
    bool added = false;
    try {
      safe.DangerousAddRef(ref added);
      return fn(new SWIGTYPE_p_axq_nf4_tensor(safe.DangerousGetHandle(), false));
    } finally {
      if (added) safe.DangerousRelease();
    }
  }

  /// <summary>Frees the tensor; disposing again does nothing.</summary>
  public void Dispose() => safe.Dispose();

  /// <summary>
  /// Quantizes n > 0 finite values: blockSize a power of two in 32..4096,
  /// doubleQuant compresses the block absmax values, threads 0 = all cores
  /// (same results for any value).
  /// </summary>
  public static Nf4Tensor Quantize(float[] src, FourBitKind kind = FourBitKind.Nf4, int blockSize = 64,
                                   bool doubleQuant = true, int threads = 0) {
    if (src == null) throw new ArgumentNullException(nameof(src));
    return new Nf4Tensor(Native.CheckHandle(AxqNative.nf4_quantize(src, (ulong)src.Length, (int)kind, blockSize,
                                                                   doubleQuant ? 1 : 0, threads)));
  }

  /// <summary>kind, block_size, double_quant, n, block_count, packed_bytes, group_size, group_count, total_bytes.</summary>
  private long[] Info() => Use(h => {
    long[] ints = new long[9];
    Native.Check(AxqNative.nf4_info(h, ints, (ulong)ints.Length));
    return ints;
  });

  public FourBitKind Kind => (FourBitKind)Info()[0];
  public int BlockSize => (int)Info()[1];
  public bool DoubleQuant => Info()[2] != 0;
  /// <summary>The number of values.</summary>
  public long Count => Info()[3];
  public long BlockCount => Info()[4];
  /// <summary>Codes and absmax values (or their codes, group scales and offset) together.</summary>
  public long TotalBytes => Info()[8];
  /// <summary>8 * TotalBytes / Count: 4.5 for blocks of 64 without double quantization, about 4.127 with it.</summary>
  public double BitsPerParameter => Use(h => AxqNative.nf4_bits_per_parameter(h));

  /// <summary>The dequantized values.</summary>
  public float[] Dequantize(int threads = 0) {
    float[] dst = new float[Count];
    Use(h => Native.Check(AxqNative.nf4_dequantize(h, dst, (ulong)dst.Length, threads)));
    return dst;
  }

  /// <summary>The effective absmax of every block.</summary>
  public float[] GetAbsmax() {
    float[] dst = new float[BlockCount];
    Use(h => Native.Check(AxqNative.nf4_absmax(h, dst, (ulong)dst.Length)));
    return dst;
  }

  /// <summary>The 16 code values of kind (index = code).</summary>
  public static float[] CodeValues(FourBitKind kind) {
    float[] dst = new float[16];
    Native.Check(AxqNative.nf4_code_values((int)kind, dst, (ulong)dst.Length));
    return dst;
  }
}

}
