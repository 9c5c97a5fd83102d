using System;
using System.Runtime.InteropServices;
using Axq.Internal;

namespace Axq {

/// <summary>
/// A libaxq tensor: row-major, 1 to 4 dims, dims[0] the row length (ggml's
/// ne[0]). It holds native memory through a SafeHandle: dispose it (using);
/// the handle's finalizer frees a forgotten one.
/// </summary>
public sealed class Tensor : IDisposable {
  private sealed class TensorHandle : SafeHandle {
    internal TensorHandle(IntPtr ptr) : base(IntPtr.Zero, true) {
      SetHandle(ptr);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() {
      AxqNative.tensor_destroy(new SWIGTYPE_p_axq_tensor(handle, false));
      return true;
    }
  }

  private readonly TensorHandle safe;

  private Tensor(SWIGTYPE_p_axq_tensor raw) {
    safe = new TensorHandle(SWIGTYPE_p_axq_tensor.getCPtr(raw).Handle);
  }

  /// <summary>Runs fn on the live handle, kept alive for the call.</summary>
  internal T Use<T>(Func<SWIGTYPE_p_axq_tensor, T> fn) {
    if (safe.IsClosed) throw new ObjectDisposedException(nameof(Tensor), "axq: tensor is closed");
    bool added = false;
    try {
      safe.DangerousAddRef(ref added);
      return fn(new SWIGTYPE_p_axq_tensor(safe.DangerousGetHandle(), false));
    } finally {
      if (added) safe.DangerousRelease();
    }
  }

  /// <summary>Frees the tensor; disposing again does nothing.</summary>
  public void Dispose() => safe.Dispose();

  internal static Tensor Wrap(SWIGTYPE_p_axq_tensor raw) => new Tensor(Native.CheckHandle(raw));

  /// <summary>A zero-filled tensor.</summary>
  public static Tensor Create(AxqType type, params long[] dims) {
    return Wrap(AxqNative.tensor_create((int)type, dims, (ulong)dims.Length));
  }

  /// <summary>An F32 tensor holding a copy of data (product(dims) values).</summary>
  public static Tensor FromFloats(float[] data, params long[] dims) {
    if (data == null) throw new ArgumentNullException(nameof(data));
    return Wrap(AxqNative.tensor_from_f32(data, (ulong)data.Length, dims, (ulong)dims.Length));
  }

  /// <summary>A tensor of any type from a copy of its exact bytes (e.g. from a GGUF file).</summary>
  public static Tensor FromBytes(AxqType type, byte[] data, params long[] dims) {
    if (data == null) throw new ArgumentNullException(nameof(data));
    return Wrap(AxqNative.tensor_from_bytes((int)type, dims, (ulong)dims.Length, data, (ulong)data.Length));
  }

  public AxqType Type => Use(h => (AxqType)AxqNative.tensor_type(h));

  /// <summary>The dimensions, row length first.</summary>
  public long[] Dims => Use(h => {
    long[] dims = new long[AxqNative.tensor_ndim(h)];
    for (int i = 0; i < dims.Length; ++i) dims[i] = AxqNative.tensor_dim(h, i);
    return dims;
  });

  public long ElementCount => Use(h => AxqNative.tensor_nelements(h));

  public long ByteCount => Use(h => AxqNative.tensor_nbytes(h));

  public bool IsRepacked => Use(h => AxqNative.tensor_is_repacked(h) == 1);

  /// <summary>A copy of the data, ggml's bytes (Unsupported for a repacked tensor).</summary>
  public byte[] ToBytes() => Use(h => {
    byte[] out_ = new byte[AxqNative.tensor_nbytes(h)];
    Native.Check(AxqNative.tensor_read(h, out_, (ulong)out_.Length));
    return out_;
  });

  /// <summary>A copy of the values of an F32 tensor.</summary>
  public float[] ToFloats() => Use(h => {
    if (AxqNative.tensor_type(h) != (int)AxqType.F32) {
      throw new AxqException(AxqStatus.InvalidArgument, "ToFloats: tensor is " +
                             Quantizer.TypeName((AxqType)AxqNative.tensor_type(h)) + ", not f32 (dequantize it)");
    }
    float[] dst = new float[AxqNative.tensor_nelements(h)];
    Native.Check(AxqNative.tensor_read_f32(h, dst, (ulong)dst.Length));
    return dst;
  });

  /// <summary>Row `row` of an I8_S tensor, as Matmul.ComputeI2SI8 uses it.</summary>
  public I8sRow GetI8sRow(long row) => Use(h => {
    byte[] codes = new byte[AxqNative.tensor_dim(h, 0)];
    float[] scale = new float[1];
    long[] sum = new long[1];
    Native.Check(AxqNative.i8s_row(h, row, codes, (ulong)codes.Length, scale, 1, sum, 1));
    sbyte[] signed = new sbyte[codes.Length];
    Buffer.BlockCopy(codes, 0, signed, 0, codes.Length);
    return new I8sRow(signed, scale[0], (int)sum[0]);
  });

  /// <summary>Quantizes this F32 tensor; threads 0 = all cores (same results for any value).</summary>
  public Tensor Quantize(AxqType type, int threads = 0, TernaryRule rule = TernaryRule.Reference) {
    return Quantize(type, null, threads, rule);
  }

  /// <summary>
  /// Quantizes this F32 tensor minimising the error weighted by importance:
  /// null (none), or the importance of each column (finite, >= 0), Dims[0]
  /// values for every row or Dims[0] * Dims[2] for a 3-D tensor, one run per
  /// matrix (an Imatrix entry's Values). Q2_K..Q6_K, Q4_0, Q4_1, Q5_0 and
  /// Q5_1 use it as ggml does with an imatrix; other types check it and
  /// ignore it.
  /// </summary>
  public Tensor Quantize(AxqType type, float[] importance, int threads = 0, TernaryRule rule = TernaryRule.Reference) {
    float[] imp = ImportanceArray(importance);
    return Use(h => Wrap(AxqNative.quantize(h, (int)type, threads, (int)rule, imp, (ulong)imp.Length)));
  }

  /// <summary>The array the C layer takes: empty for none, so an empty array a caller passes is refused here.</summary>
  internal static float[] ImportanceArray(float[] importance) {
    if (importance == null) return new float[0];
    if (importance.Length == 0) throw new AxqException(AxqStatus.InvalidArgument, "importance: empty (null for none)");
    return importance;
  }

  /// <summary>A new F32 tensor with this tensor's values.</summary>
  public Tensor Dequantize(int threads = 0) => Use(h => Wrap(AxqNative.dequantize(h, threads)));

  /// <summary>A row-interleaved copy of Q4_0, Q4_1 or Q8_0 weights: same matmul results, faster.</summary>
  public Tensor Repack() => Use(h => Wrap(AxqNative.tensor_repack(h)));
}

/// <summary>One row of an I8_S tensor: its int8 codes, scale (127 / absmax) and code sum.</summary>
public sealed class I8sRow {
  internal I8sRow(sbyte[] codes, float scale, int sum) {
    Codes = codes;
    Scale = scale;
    Sum = sum;
  }

  public sbyte[] Codes { get; }
  public float Scale { get; }
  public int Sum { get; }
}

/// <summary>y[n][m] = sum_k w[m][k] * x[n][k]. Failures throw AxqException.</summary>
public static class Matmul {
  /// <summary>
  /// w: M rows of K (dims {K, M}) of any implemented weight type; x: N rows of
  /// K F32; y: F32 of dims {M, N}. threads 0 = all cores (same results for any value).
  /// </summary>
  public static void Compute(Tensor y, Tensor w, Tensor x, int threads = 0) {
    Run(AxqNative.matmul, y, w, x, threads);
  }

  /// <summary>Compute for I2_S weights, with bitnet.cpp's arithmetic.</summary>
  public static void ComputeI2S(Tensor y, Tensor w, Tensor x, int threads = 0) {
    Run(AxqNative.matmul_i2s, y, w, x, threads);
  }

  /// <summary>ComputeI2S with activations already quantized to I8_S.</summary>
  public static void ComputeI2SI8(Tensor y, Tensor w, Tensor xI8, int threads = 0) {
    Run(AxqNative.matmul_i2s_i8, y, w, xI8, threads);
  }

  private static void Run(Func<SWIGTYPE_p_axq_tensor, SWIGTYPE_p_axq_tensor, SWIGTYPE_p_axq_tensor, int, int> fn,
                          Tensor y, Tensor w, Tensor x, int threads) {
    if (y == null) throw new ArgumentNullException(nameof(y));
    if (w == null) throw new ArgumentNullException(nameof(w));
    if (x == null) throw new ArgumentNullException(nameof(x));
    y.Use(yh => w.Use(wh => x.Use(xh => Native.Check(fn(yh, wh, xh, threads)))));
  }
}

}
