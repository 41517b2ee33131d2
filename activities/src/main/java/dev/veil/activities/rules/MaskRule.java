package dev.veil.activities.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Keeps the first and last N characters and masks the rest ({@code ****-****-****-4242}). */
final class MaskRule extends RuleType {
  MaskRule() {
    super("mask", "keeps keepFirst (default 0) and keepLast (default 4) characters, masks the"
        + " rest with char (default *)", Set.of("keepFirst", "keepLast", "char"));
  }

  @Override
  public boolean deterministic() {
    return true;
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    intParam(given, "keepFirst", 0, 1000, errors);
    intParam(given, "keepLast", 0, 1000, errors);
    String c = given.get("char");
    if (c != null && c.codePointCount(0, c.length()) != 1) {
      errors.add("char: must be exactly one character");
    }
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    int first = intParam(params, "keepFirst", 0);
    int last = intParam(params, "keepLast", 4);
    String mask = params.getOrDefault("char", "*");
    return value -> {
      String s = Bytes.text(value);
      int[] cps = s.codePoints().toArray();
      StringBuilder out = new StringBuilder(s.length());
      for (int i = 0; i < cps.length; i++) {
        boolean keep = i < first || i >= cps.length - last;
        // a value too short to hide anything is masked whole
        if (keep && first + last < cps.length) {
          out.appendCodePoint(cps[i]);
        } else {
          out.append(mask);
        }
      }
      return Bytes.utf8(out.toString());
    };
  }
}
