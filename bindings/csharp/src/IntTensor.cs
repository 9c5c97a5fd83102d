using System;
using System.Runtime.InteropServices;
using Axq.Internal;

namespace Axq {

/// <summary>How values map to integer codes.</summary>
public enum IntScheme {
  /// <summary>Codes in [-qmax, qmax], qmax = 2^(bits-1) - 1, zero point 0.</summary>
  Symmetric = 0,
  /// <summary>Unsigned codes 0..2^bits - 1 with a zero point.</summary>
  Affine = 1,
  /// <summary>Symmetric, the scale rounded up to a power of two.</summary>
  PowerOfTwo = 2
}

/// <summary>Which elements share one scale (and zero point).</summary>
public enum Granularity { PerTensor = 0, PerChannel = 1, PerGroup = 2 }

/// <summary>How IntTensor.Quantize works; defaults: 8-bit symmetric per tensor.</summary>
public sealed class IntOptions {
  /// <summary>2..8.</summary>
  public int Bits { get; set; } = 8;
  public IntScheme Scheme { get; set; } = IntScheme.Symmetric;
  public Granularity Granularity { get; set; } = Granularity.PerTensor;
  /// <summary>PerChannel's axis (default 1: the rows of a 2-D weight).</summary>
  public int Axis { get; set; } = 1;
  /// <summary>PerGroup's group size (default 32); must divide the row length.</summary>
  public long GroupSize { get; set; } = 32;
  /// <summary>0 (the default) = all cores; results are the same for any value.</summary>
  public int Threads { get; set; }
}

/// <summary>
/// A tensor quantized with an explicit integer scheme, 2..8 bits, per
/// tensor, per channel or per group. Immutable once made. It holds native
/// memory through a SafeHandle: dispose it (using).
/// </summary>
public sealed class IntTensor : IDisposable {
  private sealed class IntTensorHandle : SafeHandle {
    internal IntTensorHandle(IntPtr ptr) : base(IntPtr.Zero, true) {
      SetHandle(ptr);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() {
      AxqNative.int_tensor_destroy(new SWIGTYPE_p_axq_int_tensor(handle, false));
      return true;
    }
  }

  private readonly IntTensorHandle safe;

  private IntTensor(SWIGTYPE_p_axq_int_tensor raw) {
    safe = new IntTensorHandle(SWIGTYPE_p_axq_int_tensor.getCPtr(raw).Handle);
  }

  private T Use<T>(Func<SWIGTYPE_p_axq_int_tensor, T> fn) {
    if (safe.IsClosed) throw new ObjectDisposedException(nameof(IntTensor), "axq: int tensor is closed");
    bool added = false;
    try {
      safe.DangerousAddRef(ref added);
      return fn(new SWIGTYPE_p_axq_int_tensor(safe.DangerousGetHandle(), false));
    } finally {
      if (added) safe.DangerousRelease();
    }
  }

  /// <summary>Frees the tensor; disposing again does nothing.</summary>
  public void Dispose() => safe.Dispose();

  /// <summary>Quantizes the F32 tensor src; options null = the defaults.</summary>
  public static IntTensor Quantize(Tensor src, IntOptions options = null) {
    if (src == null) throw new ArgumentNullException(nameof(src));
    IntOptions o = options ?? new IntOptions();
    return src.Use(h => new IntTensor(Native.CheckHandle(AxqNative.int_quantize(
        h, o.Bits, (int)o.Scheme, (int)o.Granularity, o.Axis, o.GroupSize, o.Threads))));
  }

  /// <summary>A new F32 tensor of the same dims with the dequantized values.</summary>
  public Tensor Dequantize(int threads = 0) => Use(h => Tensor.Wrap(AxqNative.int_dequantize(h, threads)));

  /// <summary>bits, scheme, granularity, axis, ndim, group_size, nelements, code_bytes, param_count, param_bytes, dims[0..3].</summary>
  private long[] Info() => Use(h => {
    long[] ints = new long[14];
    Native.Check(AxqNative.int_tensor_info(h, ints, (ulong)ints.Length));
    return ints;
  });

  public int Bits => (int)Info()[0];
  public IntScheme Scheme => (IntScheme)Info()[1];
  public Granularity Granularity => (Granularity)Info()[2];
  /// <summary>PerChannel: the axis; otherwise -1.</summary>
  public int Axis => (int)Info()[3];
  /// <summary>PerGroup: the group size; otherwise 0.</summary>
  public long GroupSize => Info()[5];

  /// <summary>The dimensions, row length first.</summary>
  public long[] Dims {
    get {
      long[] ints = Info();
      long[] dims = new long[ints[4]];
      Array.Copy(ints, 10, dims, 0, dims.Length);
      return dims;
    }
  }

  public long ElementCount => Info()[6];
  public long CodeBytes => Info()[7];
  /// <summary>The number of scales.</summary>
  public long ParamCount => Info()[8];
  /// <summary>4 bytes per scale, doubled for Affine (zero points).</summary>
  public long ParamBytes => Info()[9];
  /// <summary>8 * (CodeBytes + ParamBytes) / ElementCount.</summary>
  public double BitsPerWeight => Use(h => AxqNative.int_tensor_bits_per_weight(h));

  /// <summary>
  /// A copy of the packed codes: a byte per code for 5..8 bits (two's
  /// complement for the symmetric schemes, unsigned for Affine), two per
  /// byte (low nibble first) for 2..4 bits; each row starts on a byte.
  /// </summary>
  public byte[] GetCodes() {
    byte[] out_ = new byte[CodeBytes];
    Use(h => Native.Check(AxqNative.int_tensor_codes(h, out_, (ulong)out_.Length)));
    return out_;
  }

  /// <summary>The scales as a new F32 tensor of the parameter shape; dispose it.</summary>
  public Tensor GetScales() => Use(h => Tensor.Wrap(AxqNative.int_tensor_scales(h)));

  /// <summary>The zero points (integers as f32, 0 for the symmetric schemes) as a new F32 tensor; dispose it.</summary>
  public Tensor GetZeroPoints() => Use(h => Tensor.Wrap(AxqNative.int_tensor_zero_points(h)));
}

}
