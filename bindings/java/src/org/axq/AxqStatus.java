package org.axq;

/** A libaxq status code; the values are the C API's and never change. */
public enum AxqStatus {
  OK(0),
  INVALID_ARGUMENT(-1),
  UNSUPPORTED(-2),
  UNKNOWN_TYPE(-3),
  BUFFER_TOO_SMALL(-4),
  NON_FINITE(-5),
  OUT_OF_MEMORY(-6),
  IO(-7),
  CORRUPT_DATA(-8),
  /** A progress callback asked to stop. */
  CANCELLED(-9),
  INTERNAL(-99);

  private final int code;

  AxqStatus(int code) {
    this.code = code;
  }

  /** The C value. */
  public int code() {
    return code;
  }

  /** The status of a C value; INTERNAL for a value this version does not know. */
  public static AxqStatus fromCode(int code) {
    for (AxqStatus s : values()) {
      if (s.code == code) return s;
    }
    return INTERNAL;
  }
}
