package dev.veil.activities.rules;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves dates and timestamps by a keyed whole number of days in ±{@code days} (never 0). By
 * default every value moves by its own keyed amount; with {@code consistent: true} the whole
 * column moves by one keyed amount, so intervals between its values stay exact. The time of day
 * is kept; infinities stay.
 */
final class DateShiftRule extends RuleType {
  static final long DAY_MICROS = 86_400_000_000L;

  DateShiftRule() {
    super("date_shift", "keyed shift by up to ±days (default 30) days; consistent: true moves"
        + " the whole column by one amount", Set.of("days", "consistent"));
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  public Set<PgKind> kinds() {
    return EnumSet.of(PgKind.DATE, PgKind.TIMESTAMP, PgKind.TIMESTAMPTZ);
  }

  @Override
  public boolean uniquePreserving(Map<String, String> params) {
    return "true".equals(params.get("consistent"));
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    intParam(given, "days", 1, 36_500, errors);
    boolParam(given, "consistent", errors);
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    KeyedHash mac = context.requireKey(name()).keyedHash("date_shift");
    int days = intParam(params, "days", 30);
    boolean consistent = "true".equals(params.get("consistent"));
    int columnShift = shift(mac.hash(Bytes.utf8("column:" + context.column())), days);
    boolean date = context.type().kind() == PgKind.DATE;
    return value -> {
      int by = consistent ? columnShift : shift(mac.hash(value), days);
      if (date) {
        int d = PgBinary.readDate(value);
        return d == Integer.MAX_VALUE || d == Integer.MIN_VALUE ? value : PgBinary.writeDate(d + by);
      }
      long t = PgBinary.readTimestamp(value);
      return PgBinary.isInfinite(t) ? value : PgBinary.writeTimestamp(t + by * DAY_MICROS);
    };
  }

  /** A keyed day count in [-days, days] without 0. */
  private static int shift(byte[] digest, int days) {
    int r = (int) (Bytes.u32(digest, 0) % (2L * days));
    return r < days ? r - days : r - days + 1;
  }
}
