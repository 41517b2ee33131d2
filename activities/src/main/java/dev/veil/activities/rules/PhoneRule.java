package dev.veil.activities.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A keyed phone number in the input's format: separators and the country code ("+44 …") stay,
 * the other digits go through a keyed permutation, so distinct numbers stay distinct.
 */
final class PhoneRule extends DigitRule {
  PhoneRule() {
    super("phone", "keyed phone number: keeps the format and the +country code (keepDigits"
        + " overrides how many leading digits stay)", Set.of("keepDigits"));
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    intParam(given, "keepDigits", 0, 6, errors);
  }

  @Override
  int keptDigits(char[] chars, Map<String, String> params) {
    if (params.containsKey("keepDigits")) {
      return intParam(params, "keepDigits", 0);
    }
    int i = 0;
    while (i < chars.length && chars[i] == ' ') {
      i++;
    }
    if (i >= chars.length || chars[i] != '+') {
      return 0;
    }
    int group = 0;
    for (int k = i + 1; k < chars.length && chars[k] >= '0' && chars[k] <= '9'; k++) {
      group++;
    }
    return group >= 1 && group <= 3 ? group : 0;
  }
}
