package dev.veil.activities.rules;

import java.util.Map;

/** A keyed street address: house number, a name and a street suffix ("4172 Bernier Avenue"). */
final class StreetAddressRule extends PickRule {
  StreetAddressRule() {
    super("street_address", "keyed street address: number, name, street suffix");
  }

  @Override
  String compose(byte[] digest, int attempt, Map<String, String> params) {
    long number = 1 + Bytes.u32(digest, 0) % 9999;
    String name = (digest[4] & 1) == 0
        ? pick(Dictionaries.LAST_NAMES, digest, 8)
        : pick(Dictionaries.FIRST_NAMES, digest, 8);
    return number + " " + name + " " + pick(Dictionaries.STREET_SUFFIXES, digest, 12);
  }
}
