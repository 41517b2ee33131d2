package dev.veil.activities.rules;

import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** A random integer in [min, max] (defaults 0 and 1000), clamped to the column type's range. */
final class RandomIntRule extends RuleType {
  RandomIntRule() {
    super("random_int", "random integer in [min, max] (default 0..1000)", Set.of("min", "max"));
  }

  @Override
  public Set<PgKind> kinds() {
    return EnumSet.of(PgKind.INT2, PgKind.INT4, PgKind.INT8, PgKind.NUMERIC);
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    Long min = longParam(given, "min", errors);
    Long max = longParam(given, "max", errors);
    long lo = min == null ? 0 : min;
    long hi = max == null ? 1000 : max;
    if (lo > hi) {
      errors.add("min: must not be greater than max");
    }
  }

  private static Long longParam(Map<String, String> given, String key, List<String> errors) {
    String raw = given.get(key);
    if (raw == null) {
      return null;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      errors.add(key + ": must be an integer");
      return null;
    }
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    PgKind kind = context.type().kind();
    int bytes = kind == PgKind.INT2 ? 2 : kind == PgKind.INT4 ? 4 : 8;
    long typeMin = bytes == 2 ? Short.MIN_VALUE : bytes == 4 ? Integer.MIN_VALUE : Long.MIN_VALUE;
    long typeMax = bytes == 2 ? Short.MAX_VALUE : bytes == 4 ? Integer.MAX_VALUE : Long.MAX_VALUE;
    long min = Math.max(typeMin, Long.parseLong(params.getOrDefault("min", "0").trim()));
    long max = Math.min(typeMax, Long.parseLong(params.getOrDefault("max", "1000").trim()));
    SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
    return value -> {
      long v = max == Long.MAX_VALUE && min == Long.MIN_VALUE
          ? random.nextLong() : min + random.nextLong(max - min + 1);
      return kind == PgKind.NUMERIC
          ? PgBinary.writeNumeric(java.math.BigDecimal.valueOf(v), 0)
          : PgBinary.writeInteger(v, bytes);
    };
  }
}
