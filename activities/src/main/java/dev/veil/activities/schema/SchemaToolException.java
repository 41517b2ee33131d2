package dev.veil.activities.schema;

/**
 * pg_dump or pg_restore failed, timed out or could not be started. The message is the tool's
 * scrubbed stderr (no passwords), the exit code and what Veil was doing; never a row value (the
 * archives are schema-only).
 */
public final class SchemaToolException extends RuntimeException {

  private final String tool;
  private final int exitCode;
  private final boolean timedOut;

  SchemaToolException(String tool, int exitCode, boolean timedOut, String message) {
    super(message);
    this.tool = tool;
    this.exitCode = exitCode;
    this.timedOut = timedOut;
  }

  /** {@code pg_dump} or {@code pg_restore}. */
  public String tool() {
    return tool;
  }

  /** The exit code, or -1 when the tool was killed or never ran. */
  public int exitCode() {
    return exitCode;
  }

  /** True when the tool was killed because it ran past its timeout. */
  public boolean timedOut() {
    return timedOut;
  }
}
