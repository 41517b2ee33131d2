package dev.veil.activities.config;

import java.util.List;

/** A spec that failed validation; each problem names its field and the reason. */
public class InvalidSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public InvalidSpecException(String pipeline, List<String> problems) {
    super("invalid pipeline " + pipeline + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
