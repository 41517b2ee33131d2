package dev.veil.activities.rules;

import java.util.Map;
import java.util.Set;

/**
 * Keyed scramble: every digit becomes a digit, every ASCII upper/lower-case letter a letter of the
 * same case, everything else stays; same length, deterministic under the key.
 */
final class ScrambleRule extends RuleType {
  ScrambleRule() {
    super("scramble", "keyed: same length and character classes (digits, upper, lower)",
        Set.of());
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    KeyedHash mac = context.requireKey(name()).keyedHash("scramble");
    return value -> {
      char[] chars = Bytes.text(value).toCharArray();
      byte[] stream = mac.hash(value);
      int used = 0;
      for (int i = 0; i < chars.length; i++) {
        char c = chars[i];
        int base;
        int size;
        if (c >= '0' && c <= '9') {
          base = '0';
          size = 10;
        } else if (c >= 'a' && c <= 'z') {
          base = 'a';
          size = 26;
        } else if (c >= 'A' && c <= 'Z') {
          base = 'A';
          size = 26;
        } else {
          continue;
        }
        if (used == stream.length) {
          stream = mac.hash(stream);
          used = 0;
        }
        int r = (stream[used++] & 0xff) % size;
        // never the same character: shift by 1..size-1
        chars[i] = (char) (base + (c - base + 1 + r % (size - 1)) % size);
      }
      return Bytes.utf8(new String(chars));
    };
  }
}
