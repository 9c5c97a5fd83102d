package org.axq;

import org.axq.internal.AxqNative;

/** Tensor element types; {@link #id()} is the GGUF/ggml type id. */
public enum AxqType {
  F32(0),
  F16(1),
  Q4_0(2),
  Q4_1(3),
  Q5_0(6),
  Q5_1(7),
  Q8_0(8),
  Q8_1(9),
  Q2_K(10),
  Q3_K(11),
  Q4_K(12),
  Q5_K(13),
  Q6_K(14),
  Q8_K(15),
  BF16(30),
  TQ1_0(34),
  TQ2_0(35),
  /** BitNet b1.58 weights, bitnet.cpp's layout. */
  I2_S(36),
  /** BitNet int8 activations. */
  I8_S(37);

  private final int id;

  AxqType(int id) {
    this.id = id;
  }

  /** The type id. */
  public int id() {
    return id;
  }

  /** ggml's name of the type, e.g. "q4_0", "q2_K". */
  public String ggmlName() {
    Native.load();
    return AxqNative.type_name(id);
  }

  /** Elements per block (1 for F32, F16, BF16). */
  public long blockElements() {
    return Native.check(AxqNative.type_block_elems(id));
  }

  /** Bytes per block. */
  public long blockBytes() {
    return Native.check(AxqNative.type_block_bytes(id));
  }

  /** Whether this libaxq quantizes to the type. */
  public boolean canQuantize() {
    return (Native.check(AxqNative.type_flags(id)) & 2) != 0;
  }

  /** The type of an id; AxqException(UNKNOWN_TYPE) for ids this version lacks. */
  public static AxqType fromId(int id) {
    for (AxqType t : values()) {
      if (t.id == id) return t;
    }
    throw new AxqException(AxqStatus.UNKNOWN_TYPE, "no type with id " + id);
  }

  /** Parses a ggml type name, case-insensitively ("q4_0", "BF16"). */
  public static AxqType fromName(String name) {
    Native.load();
    return fromId((int) Native.check(AxqNative.type_from_name(name)));
  }
}
