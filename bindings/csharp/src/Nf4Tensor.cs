using System;
using System.Runtime.InteropServices;
using Axq.Internal;

namespace Axq {

/// <summary>One of bitsandbytes' 4-bit formats.</summary>
public enum FourBitKind { Nf4 = 0, Fp4 = 1 }

/// <summary>
/// The stored parts of an Nf4Tensor, in bitsandbytes' layout: Packed holds
/// ceil(N/2) bytes, element 2j in the high nibble of byte j. Without double
/// quantization Absmax holds one f32 per block; with it AbsmaxCodes holds one
/// dynamic-map code per block, Absmax2 one f32 per group of 256 blocks and
/// Offset the mean that was subtracted (effective absmax = map[code] *
/// absmax2 + offset). Unused arrays are null.
/// </summary>
public sealed class Nf4Parts {
  public FourBitKind Kind { get; set; }
  public int BlockSize { get; set; }
  public bool DoubleQuant { get; set; }
  public long N { get; set; }
  public byte[] Packed { get; set; }
  public float[] Absmax { get; set; }
  public byte[] AbsmaxCodes { get; set; }
  public float[] Absmax2 { get; set; }
  public float Offset { get; set; }
}

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

  /// <summary>A copy of every stored part.</summary>
  public Nf4Parts GetParts() {
    long[] info = Info();
    var p = new Nf4Parts { Kind = (FourBitKind)info[0], BlockSize = (int)info[1], DoubleQuant = info[2] != 0,
                           N = info[3], Packed = new byte[info[5]] };
    Use(h => Native.Check(AxqNative.nf4_parts_bytes(h, 0, p.Packed, (ulong)p.Packed.Length)));
    if (p.DoubleQuant) {
      p.AbsmaxCodes = new byte[info[4]];
      p.Absmax2 = new float[info[7]];
      float[] offset = new float[1];
      Use(h => Native.Check(AxqNative.nf4_parts_bytes(h, 1, p.AbsmaxCodes, (ulong)p.AbsmaxCodes.Length)));
      Use(h => Native.Check(AxqNative.nf4_parts_floats(h, 1, p.Absmax2, (ulong)p.Absmax2.Length)));
      Use(h => Native.Check(AxqNative.nf4_parts_floats(h, 2, offset, (ulong)offset.Length)));
      p.Offset = offset[0];
    } else {
      p.Absmax = new float[info[4]];
      Use(h => Native.Check(AxqNative.nf4_parts_floats(h, 0, p.Absmax, (ulong)p.Absmax.Length)));
    }
    return p;
  }

  private static long Length(Array a) => a == null ? 0 : a.Length;

  /// <summary>
  /// A tensor made of a copy of p (e.g. a bitsandbytes checkpoint's weight,
  /// absmax, nested_absmax and offset). The arrays p's mode needs must have
  /// their exact lengths and the others be null or empty; absmax values and
  /// the offset must be finite.
  /// </summary>
  public static Nf4Tensor FromParts(Nf4Parts p) {
    if (p == null) throw new ArgumentNullException(nameof(p));
    if (p.N > 0 && p.BlockSize > 0) {
      long blocks = (p.N + p.BlockSize - 1) / p.BlockSize;
      long groups = (blocks + 255) / 256;
      bool bad = Length(p.Packed) != (p.N + 1) / 2;
      if (p.DoubleQuant) {
        bad |= Length(p.AbsmaxCodes) != blocks || Length(p.Absmax2) != groups || Length(p.Absmax) != 0;
      } else {
        bad |= Length(p.Absmax) != blocks || Length(p.AbsmaxCodes) != 0 || Length(p.Absmax2) != 0;
      }
      if (bad) {
        throw new AxqException(AxqStatus.InvalidArgument,
            "Nf4Tensor.FromParts: " + Length(p.Packed) + " packed bytes, " + Length(p.Absmax) + " absmax, " +
            Length(p.AbsmaxCodes) + " absmax codes, " + Length(p.Absmax2) + " absmax2 for n " + p.N +
            ", block size " + p.BlockSize + ", double quantization " + p.DoubleQuant + " (" + (p.N + 1) / 2 +
            " packed bytes, " + blocks + " blocks, " + groups + " groups expected)");
      }
    }
    byte[] packed = p.Packed ?? new byte[0];
    byte[] codes = p.AbsmaxCodes ?? new byte[0];
    float[] floats = (p.DoubleQuant ? p.Absmax2 : p.Absmax) ?? new float[0];
    return new Nf4Tensor(Native.CheckHandle(AxqNative.nf4_from_parts(
        (int)p.Kind, p.BlockSize, p.DoubleQuant ? 1 : 0, p.N, packed, (ulong)packed.Length, codes,
        (ulong)codes.Length, floats, (ulong)floats.Length, p.Offset)));
  }

  /// <summary>
  /// The 256 ascending entries of the dynamic map double quantization codes
  /// the block absmax values with (entry 127 is 0, entry 255 is 1);
  /// bitsandbytes stores it as nested_quant_map.
  /// </summary>
  public static float[] DynamicMap() {
    float[] dst = new float[256];
    Native.Check(AxqNative.nf4_dynamic_map(dst, (ulong)dst.Length));
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
