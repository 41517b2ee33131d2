package dev.veil.app.core;

/** Temporal cannot be reached; the message names the address and says why, in one line. */
public class TemporalUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TemporalUnavailableException(String address, String reason, Throwable cause) {
    super("cannot reach Temporal at " + address + ": " + reason, cause);
  }
}
