package dev.veil.activities.config;

import java.util.Locale;
import java.util.Optional;

/** The text formats a pipeline spec may be written in, told apart by file extension. */
public enum SpecFormat {
  YAML,
  JSON;

  /**
   * The format of a spec file from its name: {@code .yaml}/{@code .yml} is YAML, {@code .json} is
   * JSON (case-insensitive); empty for any other name.
   */
  public static Optional<SpecFormat> ofFileName(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      return Optional.of(YAML);
    }
    if (lower.endsWith(".json")) {
      return Optional.of(JSON);
    }
    return Optional.empty();
  }

  /** The file name without its spec extension ({@code demo.yaml} gives {@code demo}). */
  public static String baseName(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot < 0 ? fileName : fileName.substring(0, dot);
  }
}
