package dev.veil.activities.rules;

import java.util.Set;

/** A keyed postal code in the input's format: digits permuted, letters and separators kept. */
final class ZipRule extends DigitRule {
  ZipRule() {
    super("zip", "keyed postal code: same format, digits through a keyed permutation", Set.of());
  }
}
