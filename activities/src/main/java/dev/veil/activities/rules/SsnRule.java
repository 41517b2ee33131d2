package dev.veil.activities.rules;

import java.util.Set;

/**
 * A keyed national id (US SSN style and any other all-digit id): same format, digits through a
 * keyed permutation, unique for unique inputs.
 */
final class SsnRule extends DigitRule {
  SsnRule() {
    super("ssn", "keyed national id (SSN style): same format, digits permuted", Set.of());
  }
}
