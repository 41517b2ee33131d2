package dev.veil.activities.rules;

import java.util.Map;

/** A keyed last name from Datafaker's dictionary. */
final class LastNameRule extends PickRule {
  LastNameRule() {
    super("last_name", "keyed last name from Datafaker's dictionary");
  }

  @Override
  String compose(byte[] digest, int attempt, Map<String, String> params) {
    return pick(Dictionaries.LAST_NAMES, digest, 0);
  }
}
