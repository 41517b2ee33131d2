package dev.veil.activities.rules;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rule catalogue: {@code null}, {@code replacement}, {@code random_string}, {@code email},
 * {@code hash} and {@code passthrough} (an explicit "this column is not PII").
 */
public final class Rules {

  private static final Map<String, RuleType> CATALOGUE = new TreeMap<>();

  static {
    register(new NullRule());
    register(new Passthrough());
    register(new Replacement());
    register(new RandomString());
    register(new Email());
    register(new Hash());
  }

  private Rules() {}

  private static void register(RuleType type) {
    CATALOGUE.put(type.name(), type);
  }

  public static RuleType find(String name) {
    return name == null ? null : CATALOGUE.get(name);
  }

  public static Collection<RuleType> all() {
    return CATALOGUE.values();
  }

  public static Set<String> names() {
    return CATALOGUE.keySet();
  }

  static final char[] HEX = "0123456789abcdef".toCharArray();

  static byte[] hex(byte[] digest, int chars) {
    byte[] out = new byte[chars];
    for (int i = 0; i < chars; i++) {
      int b = digest[i >> 1] & 0xff;
      out[i] = (byte) HEX[(i & 1) == 0 ? b >>> 4 : b & 0xf];
    }
    return out;
  }

  /** Writes SQL NULL. The column must be nullable. */
  static final class NullRule extends RuleType {
    NullRule() {
      super("null", "replaces every value with NULL", Set.of());
    }

    @Override
    public boolean textOnly() {
      return false;
    }

    @Override
    public boolean writesNull() {
      return true;
    }

    @Override
    public ValueTransform create(Map<String, String> params, RuleContext context) {
      return value -> null;
    }
  }

  /** Copies the value: marks a column as reviewed and safe for {@code unmatchedColumns: fail}. */
  static final class Passthrough extends RuleType {
    Passthrough() {
      super("passthrough", "copies the value unchanged (the column was reviewed: not PII)", Set.of());
    }

    @Override
    public boolean textOnly() {
      return false;
    }

    @Override
    public ValueTransform create(Map<String, String> params, RuleContext context) {
      return value -> value;
    }
  }

  /** A fixed value, checked against the column type at plan time. */
  static final class Replacement extends RuleType {
    Replacement() {
      super("replacement", "replaces every non-NULL value with a fixed value", Set.of("value"));
    }

    @Override
    public boolean textOnly() {
      return false;
    }

    @Override
    protected void validateValues(Map<String, String> given, List<String> errors) {
      if (!given.containsKey("value") || given.get("value") == null) {
        errors.add("value: required (use rule 'null' to write NULL)");
      }
    }

    @Override
    public int maxLength(Map<String, String> params) {
      String value = params.get("value");
      return value == null ? -1 : value.length();
    }

    @Override
    public ValueTransform create(Map<String, String> params, RuleContext context) {
      byte[] fixed = context.encoder().encode(params.get("value"));
      return value -> fixed;
    }
  }

  /** Random letters and digits; not deterministic, so not for keys that other tables join on. */
  static final class RandomString extends RuleType {
    private static final byte[] ALPHABET =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
            .getBytes(StandardCharsets.US_ASCII);

    RandomString() {
      super("random_string", "random letters and digits of a fixed length (default 12)",
          Set.of("length"));
    }

    @Override
    protected void validateValues(Map<String, String> given, List<String> errors) {
      intParam(given, "length", 1, 10_000, errors);
    }

    @Override
    public int maxLength(Map<String, String> params) {
      return intParam(params, "length", 12);
    }

    @Override
    public ValueTransform create(Map<String, String> params, RuleContext context) {
      int length = intParam(params, "length", 12);
      SecureRandom seed = new SecureRandom();
      java.util.SplittableRandom random = new java.util.SplittableRandom(seed.nextLong());
      return value -> {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
          out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return out;
      };
    }
  }

  /**
   * A keyed pseudonymous address {@code u<20 hex>@<domain>}: valid, the same for the same input
   * under the same key, and unique for unique inputs (80 bits of HMAC-SHA256).
   */
  static final class Email extends RuleType {
    static final int LOCAL_HEX = 20;

    Email() {
      super("email", "keyed pseudonymous address u<20 hex>@<domain> (domain default example.com)",
          Set.of("domain"));
    }

    @Override
    public boolean keyed() {
      return true;
    }

    @Override
    protected void validateValues(Map<String, String> given, List<String> errors) {
      String domain = given.get("domain");
      if (domain != null && !domain.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")) {
        errors.add("domain: not a valid domain name");
      }
    }

    @Override
    public int maxLength(Map<String, String> params) {
      return 1 + LOCAL_HEX + 1 + params.getOrDefault("domain", "example.com").length();
    }

    @Override
    public ValueTransform create(Map<String, String> params, RuleContext context) {
      KeyedHash mac = context.requireKey(name()).keyedHash("email");
      byte[] suffix =
          ("@" + params.getOrDefault("domain", "example.com")).getBytes(StandardCharsets.US_ASCII);
      return value -> {
        byte[] digest = mac.hash(value);
        byte[] out = new byte[1 + LOCAL_HEX + suffix.length];
        out[0] = 'u';
        byte[] hex = hex(digest, LOCAL_HEX);
        System.arraycopy(hex, 0, out, 1, LOCAL_HEX);
        System.arraycopy(suffix, 0, out, 1 + LOCAL_HEX, suffix.length);
        return out;
      };
    }
  }

  /** Keyed HMAC-SHA256 of the value, hex (default) or base64, optionally shortened. */
  static final class Hash extends RuleType {
    Hash() {
      super("hash", "keyed HMAC-SHA256, hex or base64 (format), optionally cut to length",
          Set.of("format", "length"));
    }

    @Override
    public boolean keyed() {
      return true;
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
    public ValueTransform create(Map<String, String> params, RuleContext context) {
      KeyedHash mac = context.requireKey(name()).keyedHash("hash");
      boolean base64 = "base64".equals(params.get("format"));
      int length = maxLength(params);
      Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
      return value -> {
        byte[] digest = mac.hash(value);
        if (base64) {
          byte[] encoded = encoder.encode(digest);
          return length == encoded.length ? encoded : java.util.Arrays.copyOf(encoded, length);
        }
        return hex(digest, length);
      };
    }
  }
}
