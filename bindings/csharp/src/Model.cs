using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Axq.Internal;

namespace Axq {

/// <summary>Model file formats Model.QuantizeFile writes.</summary>
public enum FileFormat {
  /// <summary>GGUF v3 as llama.cpp reads it: the recommended format.</summary>
  Gguf = 0,
  /// <summary>AxonML's AXQT v1: one type (q8_0, q4_0, q4_1, f16 or f32) for every tensor, no names or metadata.</summary>
  Axqt = 1,
}

/// <summary>
/// Which type each tensor of a model gets, first match wins: a rule whose
/// glob matches the name; else tensors of one dim and tensors named
/// "*norm*" (unless Pure) keep theirs and the rest get Type (or what Mix
/// gives them); a type whose block does not divide the row length gives way
/// to FallbackType.
/// </summary>
public sealed class QuantizeOptions {
  /// <summary>The default target type; Q4_0 unless set.</summary>
  public AxqType Type { get; set; } = AxqType.Q4_0;

  /// <summary>
  /// Per-tensor rules "GLOB=TYPE" (fnmatch glob, ggml type name), e.g.
  /// "*norm*=f32". They travel to C as one string separated by ';', so a
  /// rule holding ';', a line break or NUL is an ArgumentException when the
  /// options are used; the library checks the rest.
  /// </summary>
  public IList<string> Rules { get; set; } = new List<string>();

  /// <summary>Quantize norms of two or more dims too (llama-quantize --pure).</summary>
  public bool Pure { get; set; }

  /// <summary>The type for rows the chosen type's block does not divide; null (default): llama.cpp's choice.</summary>
  public AxqType? FallbackType { get; set; }

  /// <summary>0 (the default) = all cores; results are the same for any value.</summary>
  public int Threads { get; set; }

  /// <summary>How I2_S, TQ1_0 and TQ2_0 tensors choose their trits.</summary>
  public TernaryRule TernaryRule { get; set; } = TernaryRule.Reference;

  /// <summary>The file format Model.QuantizeFile writes; Gguf unless set.</summary>
  public FileFormat OutputFormat { get; set; } = FileFormat.Gguf;

  /// <summary>A llama.cpp mix: when not None (the default), it replaces Type with llama.cpp's choice per tensor. GGUF output only.</summary>
  public Mix Mix { get; set; } = Mix.None;

  /// <summary>
  /// An importance matrix (null, the default: none): each tensor quantized to
  /// a type with a weighted quantizer takes the importance of its entry of the
  /// same name, as llama-quantize --imatrix does. The options refer to it (no
  /// copy): it must not be disposed before the quantization that uses them.
  /// </summary>
  public Imatrix Imatrix { get; set; }

  /// <summary>Runs fn with the imatrix's live handle, or null for none.</summary>
  internal T WithImatrix<T>(Func<SWIGTYPE_p_axq_imatrix, T> fn) => Imatrix != null ? Imatrix.Use(fn) : fn(null);

  /// <summary>The rules as the C layer takes them: null for none.</summary>
  internal string JoinedRules() {
    if (Rules == null || Rules.Count == 0) return null;
    foreach (string r in Rules) {
      if (r == null) throw new ArgumentNullException(nameof(Rules), "a rule is null");
      if (r.IndexOfAny(new[] { ';', '\n', '\r', '\0' }) >= 0) {
        throw new ArgumentException("rule \"" + r + "\": must not contain ';', a line break or NUL", nameof(Rules));
      }
    }
    return string.Join(";", Rules);
  }

  internal int FallbackId => FallbackType.HasValue ? (int)FallbackType.Value : -1;  // -1: AXQ_TYPE_INVALID
}

/// <summary>A model's size figures, as of the call that made it.</summary>
public sealed class ModelSummary {
  internal ModelSummary(long[] ints, double compressionRatio, double bitsPerWeight) {
    TensorCount = ints[0];
    QuantizedTensorCount = ints[1];
    Params = ints[2];
    F32Bytes = ints[3];
    Bytes = ints[4];
    CompressionRatio = compressionRatio;
    BitsPerWeight = bitsPerWeight;
  }

  public long TensorCount { get; }
  /// <summary>Tensors of a block type.</summary>
  public long QuantizedTensorCount { get; }
  /// <summary>Elements of all tensors.</summary>
  public long Params { get; }
  /// <summary>4 * Params.</summary>
  public long F32Bytes { get; }
  /// <summary>The tensors' byte sizes, summed.</summary>
  public long Bytes { get; }
  /// <summary>F32Bytes / Bytes (0 for an empty model).</summary>
  public double CompressionRatio { get; }
  /// <summary>8 * Bytes / Params (0 for an empty model).</summary>
  public double BitsPerWeight { get; }

  public override string ToString() {
    return string.Format("{0} tensors ({1} quantized), {2} params, {3} bytes (f32: {4}), ratio {5:F3}, {6:F3} bits/weight",
                         TensorCount, QuantizedTensorCount, Params, Bytes, F32Bytes, CompressionRatio, BitsPerWeight);
  }
}

/// <summary>
/// A set of named tensors (names of 1 to 63 bytes, unique, in order of
/// addition), loaded from a GGUF or safetensors file or built with Add; a
/// GGUF file's metadata is kept and saved back. It holds native memory
/// through a SafeHandle: dispose it (using); the handle's finalizer frees a
/// forgotten one. Many threads may read a model at once; Add needs the
/// caller's own synchronisation.
/// </summary>
public sealed class Model : IDisposable {
  private sealed class ModelHandle : SafeHandle {
    internal ModelHandle(IntPtr ptr) : base(IntPtr.Zero, true) {
      SetHandle(ptr);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() {
      AxqNative.model_destroy(new SWIGTYPE_p_axq_model(handle, false));
      return true;
    }
  }

  private readonly ModelHandle safe;

  private Model(SWIGTYPE_p_axq_model raw) {
    safe = new ModelHandle(SWIGTYPE_p_axq_model.getCPtr(raw).Handle);
  }

  /// <summary>Runs fn on the live handle, kept alive for the call.</summary>
  private T Use<T>(Func<SWIGTYPE_p_axq_model, T> fn) {
    if (safe.IsClosed) throw new ObjectDisposedException(nameof(Model), "axq: model is closed");
    bool added = false;
    try {
      safe.DangerousAddRef(ref added);
      return fn(new SWIGTYPE_p_axq_model(safe.DangerousGetHandle(), false));
    } finally {
      if (added) safe.DangerousRelease();
    }
  }

  /// <summary>Frees the model; disposing again does nothing.</summary>
  public void Dispose() => safe.Dispose();

  private static Model Wrap(SWIGTYPE_p_axq_model raw) => new Model(Native.CheckHandle(raw));

  /// <summary>An empty model.</summary>
  public static Model Create() => Wrap(AxqNative.model_create());

  /// <summary>Every tensor of a GGUF or safetensors file, copied into memory.</summary>
  public static Model Load(string path) {
    if (path == null) throw new ArgumentNullException(nameof(path));
    return Wrap(AxqNative.model_load(path));
  }

  /// <summary>Adds a copy of t (not a repacked tensor) under name.</summary>
  public void Add(string name, Tensor t) {
    if (name == null) throw new ArgumentNullException(nameof(name));
    if (t == null) throw new ArgumentNullException(nameof(t));
    Use(m => t.Use(th => Native.Check(AxqNative.model_add(m, name, th))));
  }

  /// <summary>Writes the model as GGUF v3; the file appears only when complete.</summary>
  public void Save(string path) {
    if (path == null) throw new ArgumentNullException(nameof(path));
    Use(m => Native.Check(AxqNative.model_save(m, path)));
  }

  public long TensorCount => Use(m => Native.Check(AxqNative.model_tensor_count(m)));

  /// <summary>The tensors' names in order of addition (a snapshot).</summary>
  public IReadOnlyList<string> Names => Use(m => {
    long n = Native.Check(AxqNative.model_tensor_count(m));
    var names = new List<string>((int)n);
    for (long i = 0; i < n; ++i) names.Add(AxqNative.model_tensor_name(m, i));
    return (IReadOnlyList<string>)names.AsReadOnly();
  });

  /// <summary>A copy of tensor name; dispose it.</summary>
  public Tensor GetTensor(string name) {
    if (name == null) throw new ArgumentNullException(nameof(name));
    return Use(m => Tensor.Wrap(AxqNative.model_tensor(m, name)));
  }

  /// <summary>A new model with each tensor given the type options choose (null: defaults).</summary>
  public Model Quantize(QuantizeOptions options = null) {
    QuantizeOptions o = options ?? new QuantizeOptions();
    string rules = o.JoinedRules();
    return Use(m => o.WithImatrix(im => Wrap(AxqNative.model_quantize(m, (int)o.Type, rules, o.Pure ? 1 : 0,
                                                                      o.FallbackId, o.Threads, (int)o.TernaryRule,
                                                                      (int)o.Mix, im))));
  }

  /// <summary>
  /// Tensor name expanded to a new F32 tensor. With dims given, the tensor's
  /// own dims must equal them (row length first), so a caller's assumption
  /// about the shape is checked; with none, any shape is taken.
  /// </summary>
  public Tensor Dequantize(string name, params long[] dims) {
    if (name == null) throw new ArgumentNullException(nameof(name));
    long[] d = dims ?? new long[0];
    return Use(m => Tensor.Wrap(AxqNative.model_dequantize(m, d, (ulong)d.Length, name)));
  }

  /// <summary>Counts and sizes of all tensors.</summary>
  public ModelSummary Summary => Use(m => {
    long[] ints = new long[5];
    Native.Check(AxqNative.model_summary(m, ints, (ulong)ints.Length));
    return new ModelSummary(ints, AxqNative.model_compression_ratio(m), AxqNative.model_bits_per_weight(m));
  });

  /// <summary>
  /// A GGUF, safetensors or AXQT file quantized to a GGUF file, tensor by
  /// tensor (memory stays near the largest tensor), or to an AXQT file
  /// (options.OutputFormat); the output appears only when complete.
  /// options null: defaults.
  /// </summary>
  public static void QuantizeFile(string outPath, string inPath, QuantizeOptions options = null) {
    if (outPath == null) throw new ArgumentNullException(nameof(outPath));
    if (inPath == null) throw new ArgumentNullException(nameof(inPath));
    QuantizeOptions o = options ?? new QuantizeOptions();
    string rules = o.JoinedRules();
    o.WithImatrix(im => Native.Check(AxqNative.model_quantize_file(outPath, inPath, (int)o.Type, rules, o.Pure ? 1 : 0,
                                                                   o.FallbackId, o.Threads, (int)o.TernaryRule,
                                                                   (int)o.OutputFormat, (int)o.Mix, im)));
  }

  /// <summary>Every tensor of a GGUF or safetensors file expanded to type (F32, F16 or BF16) into a GGUF file.</summary>
  public static void DequantizeFile(string outPath, string inPath, AxqType type = AxqType.F32, int threads = 0) {
    if (outPath == null) throw new ArgumentNullException(nameof(outPath));
    if (inPath == null) throw new ArgumentNullException(nameof(inPath));
    Native.Check(AxqNative.model_dequantize_file(outPath, inPath, (int)type, threads));
  }
}

}
