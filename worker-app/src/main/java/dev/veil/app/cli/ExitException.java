package dev.veil.app.cli;

/**
 * Ends a command with an exit code. The message, if any, is printed on stderr as one line; a
 * command that has already explained itself passes {@code null}.
 */
public class ExitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Success. */
  public static final int OK = 0;

  /** The run failed, or the command did. */
  public static final int FAILED = 1;

  /** Bad usage, configuration or pipeline spec: nothing was started. */
  public static final int INVALID = 2;

  /** The run was cancelled. */
  public static final int CANCELLED = 3;

  private final int code;

  public ExitException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
