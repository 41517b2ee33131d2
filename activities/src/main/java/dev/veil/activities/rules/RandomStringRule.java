package dev.veil.activities.rules;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** Random letters and digits; not deterministic, so not for keys that other tables join on. */
final class RandomStringRule extends RuleType {
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
          .getBytes(StandardCharsets.US_ASCII);

  RandomStringRule() {
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
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    int length = intParam(params, "length", 12);
    SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
    return value -> {
      byte[] out = new byte[length];
      for (int i = 0; i < length; i++) {
        out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
      }
      return out;
    };
  }
}
