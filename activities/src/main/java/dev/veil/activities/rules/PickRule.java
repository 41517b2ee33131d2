package dev.veil.activities.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Base of the keyed dictionary rules: the HMAC of the value chooses words from Datafaker's
 * dictionaries, so the same input gives the same pseudonym in every table and run. If a pick
 * happens to equal its input, the next candidate is taken, so no value is written back as is.
 */
abstract class PickRule extends RuleType {

  PickRule(String name, String description) {
    super(name, description, Set.of());
  }

  PickRule(String name, String description, Set<String> params) {
    super(name, description, params);
  }

  @Override
  public boolean keyed() {
    return true;
  }

  /** The pseudonym for one digest; {@code attempt} > 0 when an earlier pick equalled the input. */
  abstract String compose(byte[] digest, int attempt, Map<String, String> params);

  static String pick(List<String> words, byte[] digest, int offset) {
    return words.get((int) (Bytes.u32(digest, offset) % words.size()));
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    KeyedHash mac = context.requireKey(name()).keyedHash(name());
    return value -> {
      byte[] digest = mac.hash(value);
      for (int attempt = 0; ; attempt++) {
        byte[] out = Bytes.utf8(compose(digest, attempt, params));
        if (!Arrays.equals(out, value) || attempt >= 3) {
          return out;
        }
        digest = mac.hash(digest);
      }
    };
  }
}
