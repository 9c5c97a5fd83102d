namespace Axq {

/// <summary>A libaxq status code; the values are the C API's and never change.</summary>
public enum AxqStatus {
  Ok = 0,
  InvalidArgument = -1,
  Unsupported = -2,
  UnknownType = -3,
  BufferTooSmall = -4,
  NonFinite = -5,
  OutOfMemory = -6,
  IO = -7,
  CorruptData = -8,
  /// <summary>A progress callback asked to stop.</summary>
  Cancelled = -9,
  Internal = -99,
}

/// <summary>Tensor element types; the values are the GGUF/ggml type ids.</summary>
public enum AxqType {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  /// <summary>BitNet b1.58 weights, bitnet.cpp's layout.</summary>
  I2_S = 36,
  /// <summary>BitNet int8 activations.</summary>
  I8_S = 37,
}

/// <summary>
/// llama.cpp's quantization mixes (llama-quantize's file types, with
/// llama_ftype's numbers). In QuantizeOptions.Mix a mix gives every tensor
/// the type llama_model_quantize would, by the tensor's GGUF name and layer.
/// Names: Quantizer.MixName and Quantizer.ParseMix.
/// </summary>
public enum Mix {
  /// <summary>No mix: the type and the rules decide.</summary>
  None = -1,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q8_0 = 7,
  Q5_0 = 8,
  Q5_1 = 9,
  Q2_K = 10,
  Q3_K_S = 11,
  Q3_K_M = 12,
  Q3_K_L = 13,
  Q4_K_S = 14,
  Q4_K_M = 15,
  Q5_K_S = 16,
  Q5_K_M = 17,
  Q6_K = 18,
  BF16 = 32,
  TQ1_0 = 36,
  TQ2_0 = 37,
}

/// <summary>How I2_S, TQ1_0 and TQ2_0 map floats to trits.</summary>
public enum TernaryRule {
  /// <summary>The reference implementations' own rule (bitnet.cpp, ggml).</summary>
  Reference = 0,
  /// <summary>BitNet b1.58's absmean ternarizer.</summary>
  Absmean = 1,
}

/// <summary>A failed libaxq call: its status and the library's message.</summary>
public class AxqException : System.Exception {
  public AxqException(AxqStatus status, string message) : base(message) {
    Status = status;
  }

  /// <summary>What kind of failure this was.</summary>
  public AxqStatus Status { get; }
}

}
