package dev.veil.activities.rules;

import java.math.BigInteger;
import java.util.Set;

/**
 * A keyed IBAN: the country code and format stay, the account digits go through a keyed
 * permutation and the two check digits are recomputed (ISO 13616 mod 97), so outputs validate.
 */
final class IbanRule extends DigitRule {
  private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);

  IbanRule() {
    super("iban", "keyed IBAN: same country and format, valid check digits", Set.of());
  }

  @Override
  int keptDigits(char[] chars, java.util.Map<String, String> params) {
    return 2; // the check digits, recomputed in finish()
  }

  @Override
  void finish(char[] chars) {
    StringBuilder compact = new StringBuilder();
    int[] positions = new int[chars.length];
    for (int i = 0; i < chars.length; i++) {
      if (Character.isLetterOrDigit(chars[i])) {
        positions[compact.length()] = i;
        compact.append(Character.toUpperCase(chars[i]));
      }
    }
    if (compact.length() < 5 || !Character.isLetter(compact.charAt(0))
        || !Character.isDigit(compact.charAt(2)) || !Character.isDigit(compact.charAt(3))) {
      return; // not an IBAN: the digits were permuted, nothing to check
    }
    String rearranged = compact.substring(4) + compact.substring(0, 2) + "00";
    StringBuilder numeric = new StringBuilder();
    for (int i = 0; i < rearranged.length(); i++) {
      char c = rearranged.charAt(i);
      numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
    }
    int check = 98 - new BigInteger(numeric.toString()).mod(NINETY_SEVEN).intValue();
    chars[positions[2]] = (char) ('0' + check / 10);
    chars[positions[3]] = (char) ('0' + check % 10);
  }
}
