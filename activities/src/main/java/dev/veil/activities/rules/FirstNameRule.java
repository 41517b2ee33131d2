package dev.veil.activities.rules;

import java.util.Map;

/** A keyed first name from Datafaker's dictionary. */
final class FirstNameRule extends PickRule {
  FirstNameRule() {
    super("first_name", "keyed first name from Datafaker's dictionary");
  }

  @Override
  String compose(byte[] digest, int attempt, Map<String, String> params) {
    return pick(Dictionaries.FIRST_NAMES, digest, 0);
  }
}
