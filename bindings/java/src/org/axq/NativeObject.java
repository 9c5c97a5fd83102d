package org.axq;

import java.lang.ref.Cleaner;
import java.util.function.Consumer;

/**
 * A native libaxq object owned by a Java object: freed by close(), or by a
 * Cleaner once the owner is unreachable. Closing again does nothing; any
 * other use after close throws IllegalStateException.
 */
abstract class NativeObject<H> implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  private H handle;
  private final Cleaner.Cleanable cleanable;
  private final String what;

  NativeObject(H handle, Consumer<H> destroy, String what) {
    this.handle = handle;
    this.what = what;
    this.cleanable = CLEANER.register(this, freeing(handle, destroy));
  }

  /** The action holds the handle, never the owner (which would then never become unreachable). */
  private static <H> Runnable freeing(H handle, Consumer<H> destroy) {
    return () -> destroy.accept(handle);
  }

  H handle() {
    if (handle == null) throw new IllegalStateException("axq: " + what + " is closed");
    return handle;
  }

  /** Frees the native object; closing again does nothing. */
  @Override
  public void close() {
    if (handle != null) {
      handle = null;
      cleanable.clean();
    }
  }
}
