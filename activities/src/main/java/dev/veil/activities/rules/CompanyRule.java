package dev.veil.activities.rules;

import java.util.Map;

/** A keyed company name: a last name and a company suffix ("Kuhic LLC"). */
final class CompanyRule extends PickRule {
  CompanyRule() {
    super("company", "keyed company name: last name and suffix");
  }

  @Override
  String compose(byte[] digest, int attempt, Map<String, String> params) {
    String a = pick(Dictionaries.LAST_NAMES, digest, 0);
    return switch ((int) (Bytes.u32(digest, 8) % 3)) {
      case 0 -> a + " " + pick(Dictionaries.COMPANY_SUFFIXES, digest, 4);
      case 1 -> a + "-" + pick(Dictionaries.LAST_NAMES, digest, 4);
      default -> a + " and " + pick(Dictionaries.LAST_NAMES, digest, 4);
    };
  }
}
