package dev.veil.activities.scrub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what must never leave the agent from text that does: log tails sent to the cloud API
 * or shown on the dashboard, and the diagnostics bundle.
 *
 * <p>{@link #scrub} removes secrets: every known secret value (connection passwords, the masking
 * key, tokens) wherever it appears, the values of {@code password=}/{@code token=}-like
 * assignments, URL query strings and user info, and bearer tokens. {@link #scrubLog} does that
 * and also removes what a log line may carry of a row: {@code Key (…)=(…)} details, e-mail
 * addresses and every quoted value (PostgreSQL quotes values in its messages). Veil's own log
 * lines never carry row values; this is the second line of defence, for lines of other code: an
 * unquoted free-text value (a name) in such a line cannot be recognised.
 */
public final class Scrubber {

  public static final String MASK = "***";

  /** Shorter values would mask harmless text everywhere; they are still caught by key names. */
  private static final int MIN_SECRET_LENGTH = 4;

  /** Keys whose values are secrets (configuration keys, environment variables, assignments). */
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(password|passwd|pwd|secret|token|credential|api[-_]?key|private[-_]?key"
              + "|masking[-_]?key|sslkey|sslpassword).*");

  private static final Pattern ASSIGNMENT =
      Pattern.compile(
          "(?i)\\b([\\w.-]*(?:password|passwd|pwd|secret|token|api[-_]?key|masking[-_]?key))"
              + "(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^\\s&;,'\"]+)");

  /** A URL's query string (JDBC URLs carry password=… there). */
  private static final Pattern URL_QUERY =
      Pattern.compile("(\\b[a-z][a-z0-9+.-]*:(?://)?[^\\s?\"'<>]*)\\?[^\\s\"'<>]*");

  /** {@code scheme://user:password@host}. */
  private static final Pattern URL_USER_INFO =
      Pattern.compile("(\\b[a-z][a-z0-9+.-]*://)[^\\s/@\"']+@");

  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+");

  // ---- what a log line may carry of a row

  /** {@code key=value} in a log line (too broad for configuration text). */
  private static final Pattern KEY_ASSIGNMENT = Pattern.compile("(?i)\\b(key\\s*[=:]\\s*)[^\\s&,;]+");
  /** PostgreSQL's {@code Key (column)=(value)} detail. */
  private static final Pattern KEY_DETAIL = Pattern.compile("(?i)(\\bKey \\()[^)]*\\)=\\([^)]*\\)");
  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
  private static final Pattern SINGLE_QUOTED = Pattern.compile("'[^']*'");
  private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"[^\"]*\"");

  /** A log line of Veil's own code: level, then a {@code dev.veil.} logger name. */
  private static final Pattern VEIL_LINE =
      Pattern.compile("\\s*(?:TRACE|DEBUG|INFO|WARN|ERROR)\\s+(?:\\[[^\\]]*\\]\\s+)?dev\\.veil\\.[\\w.$]+:?\\s");

  private final List<String> secrets = new ArrayList<>();

  /** Adds a value to remove wherever it appears; blank and very short values are ignored. */
  public Scrubber secret(String value) {
    if (value != null && value.strip().length() >= MIN_SECRET_LENGTH && !secrets.contains(value)) {
      secrets.add(value);
      // longest first, so that a secret containing another is masked whole
      secrets.sort(Comparator.comparingInt(String::length).reversed());
    }
    return this;
  }

  /** Adds each of {@code values} as by {@link #secret}. */
  public Scrubber secrets(Collection<String> values) {
    values.forEach(this::secret);
    return this;
  }

  /** Adds the values of environment variables whose names say they hold secrets. */
  public Scrubber secretsFromEnvironment(Map<String, String> environment) {
    environment.forEach(
        (name, value) -> {
          if (isSecretName(name)) {
            secret(value);
          }
        });
    return this;
  }

  public static boolean isSecretName(String name) {
    return SECRET_NAME.matcher(name).matches();
  }

  /** The text with every secret replaced by {@value #MASK}. */
  public String scrub(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, MASK);
    }
    result = URL_QUERY.matcher(result)
        .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "?" + MASK));
    result = URL_USER_INFO.matcher(result)
        .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
    result = ASSIGNMENT.matcher(result)
        .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + masked(m.group(3))));
    return BEARER.matcher(result).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
  }

  /**
   * Log text: {@link #scrub}, then key details and e-mail addresses masked; in lines of other
   * code, also {@code key=} values and every quoted value. Veil's own lines ({@code LEVEL
   * dev.veil.… message}, as {@code RecentLogs} records them) keep their quoted words: they never
   * carry row values (database errors reach them only through {@code SafeErrors}), and their
   * words ({@code rule 'email' needs a masking key: set masking.key}) are what the reader needs.
   */
  public String scrubLog(String text) {
    String result = scrub(text);
    if (result == null || result.isEmpty()) {
      return result;
    }
    if (VEIL_LINE.matcher(result).lookingAt()) {
      result = KEY_DETAIL.matcher(result)
          .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + ")=(" + MASK + ")"));
      return EMAIL.matcher(result).replaceAll(MASK);
    }
    result = KEY_ASSIGNMENT.matcher(result).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    result = KEY_DETAIL.matcher(result)
        .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + ")=(" + MASK + ")"));
    result = EMAIL.matcher(result).replaceAll(MASK);
    result = SINGLE_QUOTED.matcher(result).replaceAll("'" + MASK + "'");
    return DOUBLE_QUOTED.matcher(result).replaceAll("\"" + MASK + "\"");
  }

  /** Each line as by {@link #scrubLog(String)}. */
  public List<String> scrubLog(List<String> lines) {
    return lines.stream().map(this::scrubLog).toList();
  }

  /** The mask, inside the same quotes as the value it replaces (so YAML stays YAML). */
  private static String masked(String value) {
    char first = value.charAt(0);
    return first == '"' || first == '\'' ? first + MASK + first : MASK;
  }

  /**
   * A configuration tree with the values of secret-named keys masked and every string scrubbed
   * (changed in place and returned).
   */
  public JsonNode scrubTree(JsonNode node) {
    if (node instanceof ObjectNode object) {
      Set<String> names = new LinkedHashSet<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = object.get(name);
        boolean maskWhole = isSecretName(name) || ("key".equals(name) && child.isValueNode());
        if (maskWhole && child.isValueNode() && !child.isNull() && !child.asText().isEmpty()) {
          object.set(name, TextNode.valueOf(MASK));
        } else {
          object.set(name, scrubTree(child));
        }
      }
      return object;
    }
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, scrubTree(array.get(i)));
      }
      return array;
    }
    if (node != null && node.isTextual()) {
      return TextNode.valueOf(scrub(node.asText()));
    }
    return node;
  }
}
