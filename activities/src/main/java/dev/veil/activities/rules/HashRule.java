package dev.veil.activities.rules;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Keyed HMAC-SHA256 of the value, hex (default) or base64, optionally shortened. */
final class HashRule extends RuleType {
  /** Shortest output that still keeps 80 bits, enough to stay collision-free in practice. */
  static final int UNIQUE_HEX = 20;
  static final int UNIQUE_BASE64 = 14;

  HashRule() {
    super("hash", "keyed HMAC-SHA256, hex or base64 (format), optionally cut to length",
        Set.of("format", "length"));
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  public boolean uniquePreserving(Map<String, String> params) {
    boolean base64 = "base64".equals(params.get("format"));
    return maxLength(params) >= (base64 ? UNIQUE_BASE64 : UNIQUE_HEX);
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    String format = given.getOrDefault("format", "hex");
    if (!format.equals("hex") && !format.equals("base64")) {
      errors.add("format: must be hex or base64");
    }
    intParam(given, "length", 8, format.equals("base64") ? 43 : 64, errors);
  }

  @Override
  public int maxLength(Map<String, String> params) {
    int full = "base64".equals(params.get("format")) ? 43 : 64;
    return intParam(params, "length", full);
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    KeyedHash mac = context.requireKey(name()).keyedHash("hash");
    boolean base64 = "base64".equals(params.get("format"));
    int length = maxLength(params);
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    return value -> {
      byte[] digest = mac.hash(value);
      if (base64) {
        byte[] encoded = encoder.encode(digest);
        return length == encoded.length ? encoded : Arrays.copyOf(encoded, length);
      }
      return Bytes.hex(digest, length);
    };
  }
}
