package dev.veil.activities.executor.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.activities.executor.TaskRunner;
import dev.veil.workflows.plan.TaskResult;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a redaction pod printed: its JSON lines ({@code rows/bytes} progress, the final {@code
 * result} or {@code error}) and a scrubbed tail of its other lines for failure messages.
 */
public record PodOutput(
    long rows,
    long bytes,
    TaskResult result,
    String error,
    boolean retryable,
    String tail,
    String failureType) {

  static final int TAIL_LINES = 20;
  static final int TAIL_CHARS = 2000;

  private static final Pattern SECRET_ASSIGNMENT =
      Pattern.compile("(?i)(password|passwd|pwd|secret|token|masking[-_.]?key|apikey|api_key)"
          + "(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s&;,]+)");
  private static final Pattern URL_CREDENTIALS = Pattern.compile("(://)[^/@\\s]+@");
  private static final Pattern JDBC_QUERY = Pattern.compile("(jdbc:postgresql:[^\\s?]*)\\?\\S*");

  /** Parses a pod log (stdout and stderr interleaved). */
  public static PodOutput parse(String log) {
    long rows = 0;
    long bytes = 0;
    TaskResult result = null;
    String error = null;
    boolean retryable = false;
    String failureType = null;
    List<String> other = new ArrayList<>();
    for (String line : log == null ? new String[0] : log.split("\\R")) {
      JsonNode node = json(line);
      if (node == null) {
        if (!line.isBlank()) {
          other.add(line);
        }
        continue;
      }
      if (node.has("rows") && node.has("bytes")) {
        rows = node.get("rows").asLong();
        bytes = node.get("bytes").asLong();
      } else if (node.has("result")) {
        try {
          result = TaskRunner.JSON.treeToValue(node.get("result"), TaskResult.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          other.add("unreadable result line");
        }
      } else if (node.has("error")) {
        // already a SafeErrors message; only secrets are scrubbed again, just in case
        error = scrubSecrets(node.get("error").asText());
        retryable = node.path("retryable").asBoolean(false);
        failureType = node.hasNonNull("type") ? node.get("type").asText() : null;
      } else {
        other.add(line);
      }
    }
    List<String> tail = other.subList(Math.max(0, other.size() - TAIL_LINES), other.size());
    StringBuilder text = new StringBuilder();
    for (String line : tail) {
      text.append(scrub(line)).append('\n');
    }
    String tailText =
        text.length() > TAIL_CHARS ? "…" + text.substring(text.length() - TAIL_CHARS) : text.toString();
    return new PodOutput(rows, bytes, result, error, retryable, tailText.strip(), failureType);
  }

  /** One progress line, or null if {@code line} is none. */
  static long[] progress(String line) {
    JsonNode node = json(line);
    if (node != null && node.has("rows") && node.has("bytes")) {
      return new long[] {node.get("rows").asLong(), node.get("bytes").asLong()};
    }
    return null;
  }

  /**
   * Removes what may be a secret or a data value from a log line: {@code password=…}-style
   * assignments, credentials in URLs, JDBC query strings and quoted literals.
   */
  public static String scrub(String line) {
    return scrubSecrets(line)
        .replaceAll("\"(?:[^\"\\\\]|\\\\.){0,200}\"", "\"…\"")
        .replaceAll("'[^']{0,200}'", "'…'");
  }

  /** Removes secrets only: assignments, credentials in URLs, JDBC query strings. */
  public static String scrubSecrets(String line) {
    String s = SECRET_ASSIGNMENT.matcher(line).replaceAll("$1$2***");
    s = URL_CREDENTIALS.matcher(s).replaceAll("$1***@");
    return JDBC_QUERY.matcher(s).replaceAll("$1?***");
  }

  private static JsonNode json(String line) {
    String trimmed = line.strip();
    if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
      return null;
    }
    try {
      JsonNode node = TaskRunner.JSON.readTree(trimmed);
      return node != null && node.isObject() ? node : null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return null;
    }
  }
}
