package dev.veil.activities.rules;

import java.util.Locale;
import java.util.Map;

/**
 * A keyed user name {@code first.last.<12 hex>}: readable, and unique for unique inputs (the
 * names and 48 hash bits carry about 68 bits).
 */
final class UsernameRule extends PickRule {
  UsernameRule() {
    super("username", "keyed user name first.last.<12 hex>, unique for unique inputs");
  }

  @Override
  public boolean uniquePreserving(Map<String, String> params) {
    return true;
  }

  @Override
  String compose(byte[] digest, int attempt, Map<String, String> params) {
    String first = pick(Dictionaries.FIRST_NAMES, digest, 0);
    String last = pick(Dictionaries.LAST_NAMES, digest, 4);
    return (first + "." + last).toLowerCase(Locale.ROOT).replaceAll("[^a-z.]", "") + "."
        + new String(Bytes.hex(java.util.Arrays.copyOfRange(digest, 8, 14), 12),
            java.nio.charset.StandardCharsets.US_ASCII);
  }
}
