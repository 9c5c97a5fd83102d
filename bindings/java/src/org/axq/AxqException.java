package org.axq;

/**
 * A failed libaxq call: its status and the library's message.
 *
 * <p>Unchecked, like {@link IllegalArgumentException}: almost every failure
 * is a caller's mistake (a shape, a type, a length) or bad input data that
 * the caller can only report, and an unchecked exception keeps the API
 * usable from lambdas and streams.
 */
public class AxqException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final AxqStatus status;

  public AxqException(AxqStatus status, String message) {
    super(message);
    this.status = status;
  }

  /** What kind of failure this was. */
  public AxqStatus status() {
    return status;
  }
}
