package dev.veil.activities.rules;

import java.util.Map;

/** A keyed made-up city name in Datafaker's patterns ("Port Jaylen", "Lake Hartmannville"). */
final class CityRule extends PickRule {
  CityRule() {
    super("city", "keyed made-up city name (Datafaker's city prefixes, names and suffixes)");
  }

  @Override
  String compose(byte[] digest, int attempt, Map<String, String> params) {
    String first = pick(Dictionaries.FIRST_NAMES, digest, 0);
    String last = pick(Dictionaries.LAST_NAMES, digest, 4);
    String prefix = pick(Dictionaries.CITY_PREFIXES, digest, 8);
    String suffix = pick(Dictionaries.CITY_SUFFIXES, digest, 12);
    return switch ((int) (Bytes.u32(digest, 16) % 4)) {
      case 0 -> prefix + " " + first + suffix;
      case 1 -> prefix + " " + first;
      case 2 -> first + suffix;
      default -> last + suffix;
    };
  }
}
