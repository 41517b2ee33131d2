package dev.veil.app.core;

/** No run with this id in the namespace. */
public class UnknownRunException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownRunException(String runId) {
    super("no run " + runId);
  }
}
