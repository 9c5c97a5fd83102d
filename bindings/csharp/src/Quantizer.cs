using System;
using System.Runtime.InteropServices;
using Axq.Internal;

namespace Axq {

/// <summary>Row quantization, byte for byte as ggml writes files. Failures throw AxqException.</summary>
public static class Quantizer {
  /// <summary>The version of the loaded libaxq, "X.Y.Z".</summary>
  public static string Version => AxqNative.version_string();

  /// <summary>Bytes that n elements of type take (n a multiple of the block size).</summary>
  public static long RowSize(AxqType type, long n) {
    return Native.Check(AxqNative.row_size((int)type, n));
  }

  /// <summary>Quantizes src to type.</summary>
  public static byte[] QuantizeRow(AxqType type, float[] src) {
    if (src == null) throw new ArgumentNullException(nameof(src));
    byte[] dst = new byte[RowSize(type, src.Length)];
    QuantizeRow(type, src, dst);
    return dst;
  }

  /// <summary>Quantizes src into dst without allocating; returns the bytes written.</summary>
  public static int QuantizeRow(AxqType type, float[] src, byte[] dst) {
    if (src == null) throw new ArgumentNullException(nameof(src));
    if (dst == null) throw new ArgumentNullException(nameof(dst));
    return (int)Native.Check(AxqNative.quantize_row((int)type, src, (ulong)src.Length, dst, (ulong)dst.Length));
  }

  /// <summary>Quantizes src into dst (any memory a span covers), pinned, not copied; returns the bytes written.</summary>
  public static unsafe int QuantizeRow(AxqType type, ReadOnlySpan<float> src, Span<byte> dst) {
    fixed (float* s = &MemoryMarshal.GetReference(src))
    fixed (byte* d = &MemoryMarshal.GetReference(dst)) {
      return (int)Native.Check(AxqNativePINVOKE.quantize_row((int)type, (IntPtr)s, (ulong)src.Length,
                                                            (IntPtr)d, (ulong)dst.Length));
    }
  }

  /// <summary>Expands src into dst (dst.Length elements), pinned, not copied.</summary>
  public static unsafe void DequantizeRow(AxqType type, ReadOnlySpan<byte> src, Span<float> dst) {
    fixed (byte* s = &MemoryMarshal.GetReference(src))
    fixed (float* d = &MemoryMarshal.GetReference(dst)) {
      Native.Check(AxqNativePINVOKE.dequantize_row((int)type, (IntPtr)s, (ulong)src.Length,
                                                   (IntPtr)d, (ulong)dst.Length));
    }
  }

  /// <summary>Expands n elements of type held in src (exactly their bytes).</summary>
  public static float[] DequantizeRow(AxqType type, byte[] src, int n) {
    float[] dst = new float[Math.Max(0, n)];
    DequantizeRow(type, src, dst);
    return dst;
  }

  /// <summary>Expands src into dst (dst.Length elements).</summary>
  public static void DequantizeRow(AxqType type, byte[] src, float[] dst) {
    if (src == null) throw new ArgumentNullException(nameof(src));
    if (dst == null) throw new ArgumentNullException(nameof(dst));
    Native.Check(AxqNative.dequantize_row((int)type, src, (ulong)src.Length, dst, (ulong)dst.Length));
  }

  /// <summary>ggml's name of a type ("q4_0"), or null for an id libaxq does not know.</summary>
  public static string TypeName(AxqType type) => AxqNative.type_name((int)type);

  /// <summary>Parses a type name, case-insensitively ("Q4_0", "bf16").</summary>
  public static AxqType ParseType(string name) {
    if (name == null) throw new ArgumentNullException(nameof(name));
    return (AxqType)Native.Check(AxqNative.type_from_name(name));
  }

  /// <summary>llama-quantize's name of a mix ("Q4_K_M"), or null for Mix.None and values libaxq does not know.</summary>
  public static string MixName(Mix mix) => AxqNative.mix_name((int)mix);

  /// <summary>Parses a mix name as llama-quantize spells it, case-insensitively ("Q4_K_M", "q6_k").</summary>
  public static Mix ParseMix(string name) {
    if (name == null) throw new ArgumentNullException(nameof(name));
    return (Mix)Native.Check(AxqNative.mix_from_name(name));
  }

  /// <summary>The SIMD target the kernels run on now, e.g. "AVX3_DL".</summary>
  public static string SimdTarget => AxqNative.simd_target_name();

  /// <summary>Compiled targets this CPU runs, best first.</summary>
  public static string[] SimdTargets() {
    string[] names = new string[AxqNative.simd_target_count()];
    for (int i = 0; i < names.Length; ++i) names[i] = AxqNative.simd_target_at(i);
    return names;
  }

  /// <summary>Restricts dispatch to a comma-separated list of targets; "" lifts it. Process-wide.</summary>
  public static void SetSimdTargets(string names) {
    Native.Check(AxqNative.simd_set_targets(names ?? ""));
  }
}

}
