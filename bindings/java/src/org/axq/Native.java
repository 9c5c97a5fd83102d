package org.axq;

import org.axq.internal.AxqNative;

/** Loads the JNI library once and turns statuses into exceptions. */
final class Native {
  private Native() {}

  private static final class Holder {
    static {
      try {
        System.loadLibrary("axq_java");
      } catch (UnsatisfiedLinkError e) {
        UnsatisfiedLinkError clear = new UnsatisfiedLinkError(
            "libaxq's JNI library (libaxq_java.so) could not be loaded: put its directory on "
                + "java.library.path (-Djava.library.path=...) and libaxq.so.0 where the system "
                + "loader finds it (" + e.getMessage() + ")");
        clear.initCause(e);
        throw clear;
      }
    }

    static void touch() {}
  }

  static void load() {
    Holder.touch();
  }

  /** A result that is a count or size, or a negative status. */
  static long check(long result) {
    load();
    if (result < 0) {
      throw new AxqException(AxqStatus.fromCode((int) result), AxqNative.last_error());
    }
    return result;
  }

  /** A handle (tensor, layer, model), or null after a failure whose status last_status() holds. */
  static <H> H checkHandle(H handle) {
    if (handle == null) { // SWIG maps a NULL result to null
      throw new AxqException(AxqStatus.fromCode(AxqNative.last_status()), AxqNative.last_error());
    }
    return handle;
  }
}
