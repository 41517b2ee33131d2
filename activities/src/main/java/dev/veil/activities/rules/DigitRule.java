package dev.veil.activities.rules;

import java.util.Map;
import java.util.Set;

/**
 * Base of the format-preserving digit rules (phone, zip, ssn, credit card, IBAN): every digit
 * after the first {@link #keptDigits} is replaced through a keyed permutation of the whole digit
 * sequence (in blocks of up to 18 digits), every other character stays where it was. Distinct
 * inputs of one format therefore always give distinct outputs.
 */
abstract class DigitRule extends RuleType {

  DigitRule(String name, String description, Set<String> params) {
    super(name, description, params);
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  public boolean uniquePreserving(Map<String, String> params) {
    return true;
  }

  /** Leading digits kept as they are (a country code, a card's network digit). */
  int keptDigits(char[] chars, Map<String, String> params) {
    return 0;
  }

  /** Last digits left for {@link #finish} to compute (check digits). */
  int trailingComputed() {
    return 0;
  }

  /** Fixes up the permuted characters (recomputes check digits). */
  void finish(char[] chars) {}

  @Override
  public int maxLength(Map<String, String> params) {
    return -1; // same length as the input
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    KeyedPermutation permutation =
        new KeyedPermutation(context.requireKey(name()).derive(name()));
    KeyedHash fallback = context.requireKey(name()).keyedHash(name() + "/fallback");
    return value -> {
      char[] chars = Bytes.text(value).toCharArray();
      int digits = 0;
      for (char c : chars) {
        if (c >= '0' && c <= '9') {
          digits++;
        }
      }
      int skip = Math.min(keptDigits(chars, params), digits);
      int free = digits - skip - Math.min(trailingComputed(), digits - skip);
      if (free <= 0) {
        // nothing to permute: no digit of the input may survive, so write keyed digits
        return Bytes.utf8(String.format("%010d", Bytes.u32(fallback.hash(value), 0) % 10_000_000_000L));
      }
      int[] positions = new int[free];
      int seen = 0;
      int n = 0;
      for (int i = 0; i < chars.length && n < free; i++) {
        if (chars[i] >= '0' && chars[i] <= '9') {
          if (seen++ >= skip) {
            positions[n++] = i;
          }
        }
      }
      for (int from = 0; from < free; from += 18) {
        int len = Math.min(18, free - from);
        long x = 0;
        for (int k = 0; k < len; k++) {
          x = x * 10 + (chars[positions[from + k]] - '0');
        }
        long y = permutation.permuteDigits(x, len);
        for (int k = len - 1; k >= 0; k--) {
          chars[positions[from + k]] = (char) ('0' + y % 10);
          y /= 10;
        }
      }
      finish(chars);
      return Bytes.utf8(new String(chars));
    };
  }

  /** Luhn check digit for the digits of {@code chars} before its last digit. */
  static void fixLuhn(char[] chars) {
    int last = -1;
    for (int i = chars.length - 1; i >= 0; i--) {
      if (chars[i] >= '0' && chars[i] <= '9') {
        last = i;
        break;
      }
    }
    if (last < 0) {
      return;
    }
    int sum = 0;
    boolean dbl = true;
    for (int i = last - 1; i >= 0; i--) {
      if (chars[i] < '0' || chars[i] > '9') {
        continue;
      }
      int d = chars[i] - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
    }
    chars[last] = (char) ('0' + (10 - sum % 10) % 10);
  }

  /** Whether the digits of {@code s} pass the Luhn check. */
  public static boolean luhnValid(CharSequence s) {
    int sum = 0;
    boolean dbl = false;
    int count = 0;
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
      count++;
    }
    return count > 1 && sum % 10 == 0;
  }
}
