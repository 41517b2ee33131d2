package dev.veil.activities.rules;

import java.util.Map;

/** A keyed "First Last" from Datafaker's dictionaries. */
final class FullNameRule extends PickRule {
  FullNameRule() {
    super("full_name", "keyed \"First Last\" from Datafaker's dictionaries");
  }

  @Override
  String compose(byte[] digest, int attempt, Map<String, String> params) {
    return pick(Dictionaries.FIRST_NAMES, digest, 0) + " "
        + pick(Dictionaries.LAST_NAMES, digest, 4);
  }
}
