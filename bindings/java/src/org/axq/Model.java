package org.axq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.axq.internal.AxqNative;
import org.axq.internal.SWIGTYPE_p_axq_imatrix;
import org.axq.internal.SWIGTYPE_p_axq_model;

/**
 * A set of named tensors (names of 1 to 63 bytes, unique, in order of
 * addition), loaded from a GGUF or safetensors file or built with
 * {@link #add}; a GGUF file's metadata is kept and saved back. It holds
 * native memory: close it (try-with-resources); a Cleaner frees a forgotten
 * one when it becomes unreachable. Many threads may read a model at once;
 * {@link #add} and close need the caller's own synchronisation.
 */
public final class Model extends NativeObject<SWIGTYPE_p_axq_model> {
  /** Model file formats {@link #quantizeFile} writes. */
  public enum FileFormat {
    /** GGUF v3 as llama.cpp reads it: the recommended format. */
    GGUF(0),
    /**
     * AxonML's AXQT v1: one type (q8_0, q4_0, q4_1, f16 or f32) for every
     * tensor, no names or metadata, written in one go.
     */
    AXQT(1);

    private final int code;

    FileFormat(int code) {
      this.code = code;
    }

    int code() {
      return code;
    }
  }

  /**
   * Which type each tensor gets, first match wins: a rule whose glob matches
   * the name; else tensors of one dim and tensors named "*norm*" (unless
   * pure) keep theirs and the rest get type (or what mix gives them); a
   * type whose block does not divide the row length gives way to
   * fallbackType. Every setter returns this.
   */
  public static final class QuantizeOptions {
    private AxqType type = AxqType.Q4_0;
    private List<String> rules = Collections.emptyList();
    private boolean pure;
    private AxqType fallbackType;
    private int threads;
    private Tensor.TernaryRule ternaryRule = Tensor.TernaryRule.REFERENCE;
    private FileFormat outputFormat = FileFormat.GGUF;
    private Mix mix = Mix.NONE;
    private Imatrix imatrix;

    /** The default target type; Q4_0 unless set. */
    public QuantizeOptions type(AxqType type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    public AxqType type() {
      return type;
    }

    /**
     * Per-tensor rules "GLOB=TYPE" (fnmatch glob, ggml type name), e.g.
     * "*norm*=f32", "token_embd.weight=q8_0". They travel to C as one
     * string separated by ';', so a rule holding ';', a line break or NUL
     * is rejected with IllegalArgumentException; the library checks the
     * rest.
     */
    public QuantizeOptions rules(List<String> rules) {
      List<String> copy = new ArrayList<>(rules);
      for (String r : copy) {
        Objects.requireNonNull(r, "rule");
        if (r.indexOf(';') >= 0 || r.indexOf('\n') >= 0 || r.indexOf('\r') >= 0 || r.indexOf('\0') >= 0) {
          throw new IllegalArgumentException("rule \"" + r + "\": must not contain ';', a line break or NUL");
        }
      }
      this.rules = Collections.unmodifiableList(copy);
      return this;
    }

    public QuantizeOptions rules(String... rules) {
      return rules(Arrays.asList(rules));
    }

    public List<String> rules() {
      return rules;
    }

    /** Quantize norms of two or more dims too (llama-quantize --pure). */
    public QuantizeOptions pure(boolean pure) {
      this.pure = pure;
      return this;
    }

    public boolean pure() {
      return pure;
    }

    /** The type for rows the chosen type's block does not divide; null (default): llama.cpp's choice. */
    public QuantizeOptions fallbackType(AxqType type) {
      this.fallbackType = type;
      return this;
    }

    public AxqType fallbackType() {
      return fallbackType;
    }

    /** 0 (the default) = all cores; results are the same for any value. */
    public QuantizeOptions threads(int threads) {
      this.threads = threads;
      return this;
    }

    public int threads() {
      return threads;
    }

    /** How I2_S, TQ1_0 and TQ2_0 tensors choose their trits. */
    public QuantizeOptions ternaryRule(Tensor.TernaryRule rule) {
      this.ternaryRule = Objects.requireNonNull(rule, "rule");
      return this;
    }

    public Tensor.TernaryRule ternaryRule() {
      return ternaryRule;
    }

    /** The file format {@link Model#quantizeFile} writes; GGUF unless set. */
    public QuantizeOptions outputFormat(FileFormat format) {
      this.outputFormat = Objects.requireNonNull(format, "format");
      return this;
    }

    public FileFormat outputFormat() {
      return outputFormat;
    }

    /**
     * A llama.cpp mix: when not NONE (the default), it replaces type with
     * llama.cpp's choice per tensor. GGUF output only.
     */
    public QuantizeOptions mix(Mix mix) {
      this.mix = Objects.requireNonNull(mix, "mix");
      return this;
    }

    public Mix mix() {
      return mix;
    }

    /**
     * An importance matrix (null, the default: none): each tensor quantized
     * to a type with a weighted quantizer takes the importance of its entry
     * of the same name, as llama-quantize --imatrix does. The options refer
     * to it (no copy): it must stay open until the quantization that uses
     * them returns.
     */
    public QuantizeOptions imatrix(Imatrix imatrix) {
      this.imatrix = imatrix;
      return this;
    }

    public Imatrix imatrix() {
      return imatrix;
    }

    /** The rules as the C layer takes them: null for none. */
    String joinedRules() {
      return rules.isEmpty() ? null : String.join(";", rules);
    }

    int fallbackId() {
      return fallbackType != null ? fallbackType.id() : -1; // -1: AXQ_TYPE_INVALID
    }

    /** The imatrix's handle, or null for none (IllegalStateException if it is closed). */
    SWIGTYPE_p_axq_imatrix imatrixHandle() {
      return imatrix != null ? imatrix.handle() : null;
    }
  }

  /** A model's size figures, as of the call that made it. */
  public static final class Summary {
    public final long tensorCount;
    /** Tensors of a block type. */
    public final long quantizedTensorCount;
    /** Elements of all tensors. */
    public final long params;
    /** 4 * params. */
    public final long f32Bytes;
    /** The tensors' byte sizes, summed. */
    public final long bytes;
    /** f32Bytes / bytes (0 for an empty model). */
    public final double compressionRatio;
    /** 8 * bytes / params (0 for an empty model). */
    public final double bitsPerWeight;

    Summary(long[] ints, double compressionRatio, double bitsPerWeight) {
      this.tensorCount = ints[0];
      this.quantizedTensorCount = ints[1];
      this.params = ints[2];
      this.f32Bytes = ints[3];
      this.bytes = ints[4];
      this.compressionRatio = compressionRatio;
      this.bitsPerWeight = bitsPerWeight;
    }

    @Override
    public String toString() {
      return String.format("%d tensors (%d quantized), %d params, %d bytes (f32: %d), ratio %.3f, %.3f bits/weight",
          tensorCount, quantizedTensorCount, params, bytes, f32Bytes, compressionRatio, bitsPerWeight);
    }
  }

  private Model(SWIGTYPE_p_axq_model handle) {
    super(handle, AxqNative::model_destroy, "model");
  }

  /** An empty model. */
  public static Model create() {
    Native.load();
    return new Model(Native.checkHandle(AxqNative.model_create()));
  }

  /** Every tensor of a GGUF or safetensors file, copied into memory. */
  public static Model load(String path) {
    Native.load();
    return new Model(Native.checkHandle(AxqNative.model_load(path)));
  }

  /** Adds a copy of t (not a repacked tensor) under name. */
  public void add(String name, Tensor t) {
    Native.check(AxqNative.model_add(handle(), name, t.handle()));
  }

  /** Writes the model as GGUF v3; the file appears only when complete. */
  public void save(String path) {
    Native.check(AxqNative.model_save(handle(), path));
  }

  public long tensorCount() {
    return Native.check(AxqNative.model_tensor_count(handle()));
  }

  /** The tensors' names in order of addition (a snapshot). */
  public List<String> names() {
    SWIGTYPE_p_axq_model h = handle();
    int n = Math.toIntExact(Native.check(AxqNative.model_tensor_count(h)));
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; ++i) names.add(AxqNative.model_tensor_name(h, i));
    return Collections.unmodifiableList(names);
  }

  /** A copy of tensor name; close it. */
  public Tensor tensor(String name) {
    return new Tensor(Native.checkHandle(AxqNative.model_tensor(handle(), name)));
  }

  /** A new model with each tensor given the type opts choose (null: defaults). */
  public Model quantize(QuantizeOptions opts) {
    QuantizeOptions o = opts != null ? opts : new QuantizeOptions();
    return new Model(Native.checkHandle(AxqNative.model_quantize(handle(), o.type.id(), o.joinedRules(),
        o.pure ? 1 : 0, o.fallbackId(), o.threads, o.ternaryRule.code(), o.mix.id(), o.imatrixHandle())));
  }

  /**
   * Tensor name expanded to a new F32 tensor. With dims given, the tensor's
   * own dims must equal them (row length first), so a caller's assumption
   * about the shape is checked; with none, any shape is taken.
   */
  public Tensor dequantize(String name, long... dims) {
    return new Tensor(Native.checkHandle(AxqNative.model_dequantize(handle(),
        dims != null ? dims : new long[0], name)));
  }

  /** Counts and sizes of all tensors. */
  public Summary summary() {
    SWIGTYPE_p_axq_model h = handle();
    long[] ints = new long[5];
    Native.check(AxqNative.model_summary(h, ints));
    return new Summary(ints, AxqNative.model_compression_ratio(h), AxqNative.model_bits_per_weight(h));
  }

  /**
   * A GGUF, safetensors or AXQT file quantized to a GGUF file, tensor by
   * tensor (memory stays near the largest tensor), or to an AXQT file
   * (opts.outputFormat); the output appears only when complete. opts null:
   * defaults.
   */
  public static void quantizeFile(String outPath, String inPath, QuantizeOptions opts) {
    QuantizeOptions o = opts != null ? opts : new QuantizeOptions();
    Native.load();
    Native.check(AxqNative.model_quantize_file(outPath, inPath, o.type.id(), o.joinedRules(), o.pure ? 1 : 0,
        o.fallbackId(), o.threads, o.ternaryRule.code(), o.outputFormat.code(), o.mix.id(), o.imatrixHandle()));
  }

  /** Every tensor of a GGUF or safetensors file expanded to type (F32, F16 or BF16) into a GGUF file. */
  public static void dequantizeFile(String outPath, String inPath, AxqType type, int threads) {
    Native.load();
    Native.check(AxqNative.model_dequantize_file(outPath, inPath, type.id(), threads));
  }
}
