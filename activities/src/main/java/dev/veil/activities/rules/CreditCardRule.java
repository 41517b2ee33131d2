package dev.veil.activities.rules;

import java.util.Map;
import java.util.Set;

/**
 * A keyed card number: same format and network digit, the body through a keyed permutation and a
 * fresh Luhn check digit, so every output is Luhn-valid and distinct valid inputs stay distinct.
 */
final class CreditCardRule extends DigitRule {
  CreditCardRule() {
    super("credit_card", "keyed Luhn-valid card number: same format and first digit", Set.of());
  }

  @Override
  int keptDigits(char[] chars, Map<String, String> params) {
    return 1;
  }

  @Override
  int trailingComputed() {
    return 1;
  }

  @Override
  void finish(char[] chars) {
    fixLuhn(chars);
  }
}
