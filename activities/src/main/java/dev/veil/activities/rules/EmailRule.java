package dev.veil.activities.rules;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A keyed pseudonymous address {@code u<20 hex>@<domain>}: valid, the same for the same input
 * under the same key, and unique for unique inputs (80 bits of HMAC-SHA256). With
 * {@code keepDomain: true} the input's domain is kept.
 */
final class EmailRule extends RuleType {
  static final int LOCAL_HEX = 20;
  private static final String DOMAIN =
      "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+";

  EmailRule() {
    super("email", "keyed pseudonymous address u<20 hex>@<domain> (domain default example.com;"
        + " keepDomain: true keeps the input's)", Set.of("domain", "keepDomain"));
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  public boolean uniquePreserving(Map<String, String> params) {
    return true;
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    String domain = given.get("domain");
    if (domain != null && !domain.matches(DOMAIN)) {
      errors.add("domain: not a valid domain name");
    }
    if (boolParam(given, "keepDomain", errors) && domain != null) {
      errors.add("keepDomain: cannot be combined with domain");
    }
  }

  @Override
  public int maxLength(Map<String, String> params) {
    if ("true".equals(params.get("keepDomain"))) {
      return -1;
    }
    return 1 + LOCAL_HEX + 1 + params.getOrDefault("domain", "example.com").length();
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    KeyedHash mac = context.requireKey(name()).keyedHash("email");
    boolean keepDomain = "true".equals(params.get("keepDomain"));
    byte[] fixed =
        ("@" + params.getOrDefault("domain", "example.com")).getBytes(StandardCharsets.US_ASCII);
    return value -> {
      byte[] suffix = fixed;
      if (keepDomain) {
        int at = lastAt(value);
        suffix = at < 0 ? fixed : java.util.Arrays.copyOfRange(value, at, value.length);
      }
      byte[] digest = mac.hash(value);
      byte[] out = new byte[1 + LOCAL_HEX + suffix.length];
      out[0] = 'u';
      System.arraycopy(Bytes.hex(digest, LOCAL_HEX), 0, out, 1, LOCAL_HEX);
      System.arraycopy(suffix, 0, out, 1 + LOCAL_HEX, suffix.length);
      return out;
    };
  }

  private static int lastAt(byte[] value) {
    for (int i = value.length - 1; i >= 0; i--) {
      if (value[i] == '@') {
        return i;
      }
    }
    return -1;
  }
}
