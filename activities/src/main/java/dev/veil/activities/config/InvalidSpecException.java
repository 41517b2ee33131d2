package dev.veil.activities.config;

import java.util.List;

/**
 * A spec that failed loading or validation; each problem reads {@code "<field path>: <reason>"}.
 * The message is {@code "invalid pipeline <name>: <problem>; <problem>…"}.
 */
public class InvalidSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String pipeline;
  private final List<String> problems;

  public InvalidSpecException(String pipeline, List<String> problems) {
    super("invalid pipeline " + pipeline + ": " + String.join("; ", problems));
    this.pipeline = pipeline;
    this.problems = List.copyOf(problems);
  }

  /** The pipeline id, or the file name it was read from, or {@code (unnamed)}. */
  public String pipeline() {
    return pipeline;
  }

  /** Every problem found, each {@code "<field path>: <reason>"}. */
  public List<String> problems() {
    return problems;
  }
}
