package org.axq;

import org.axq.internal.AxqNative;

/**
 * llama.cpp's quantization mixes (llama-quantize's file types; {@link #id()}
 * is llama_ftype's number). In {@link Model.QuantizeOptions#mix} a mix gives
 * every tensor the type llama_model_quantize would, by the tensor's GGUF
 * name and layer.
 */
public enum Mix {
  /** No mix: the type and the rules decide. */
  NONE(-1),
  F16(1),
  Q4_0(2),
  Q4_1(3),
  Q8_0(7),
  Q5_0(8),
  Q5_1(9),
  Q2_K(10),
  Q3_K_S(11),
  Q3_K_M(12),
  Q3_K_L(13),
  Q4_K_S(14),
  Q4_K_M(15),
  Q5_K_S(16),
  Q5_K_M(17),
  Q6_K(18),
  BF16(32),
  TQ1_0(36),
  TQ2_0(37);

  private final int id;

  Mix(int id) {
    this.id = id;
  }

  /** The C value (axq_mix). */
  public int id() {
    return id;
  }

  /** llama-quantize's name of the mix, e.g. "Q4_K_M"; null for NONE. */
  public String llamaName() {
    Native.load();
    return AxqNative.mix_name(id);
  }

  /** The mix of a C value; AxqException(UNKNOWN_TYPE) for values this version lacks. */
  public static Mix fromId(int id) {
    for (Mix m : values()) {
      if (m.id == id) return m;
    }
    throw new AxqException(AxqStatus.UNKNOWN_TYPE, "no mix with id " + id);
  }

  /** Parses a mix name as llama-quantize spells it, case-insensitively ("Q4_K_M", "q6_k"). */
  public static Mix fromName(String name) {
    Native.load();
    return fromId((int) Native.check(AxqNative.mix_from_name(name)));
  }
}
