package dev.veil.app.core;

/** The run cannot take this request in its current state (already exists, already finished). */
public class RunConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunConflictException(String message) {
    super(message);
  }
}
