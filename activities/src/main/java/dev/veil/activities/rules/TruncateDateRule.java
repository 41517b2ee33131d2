package dev.veil.activities.rules;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Truncates dates and timestamps to the first of their month (default), year, or (timestamps)
 * day. Timestamps with time zone are truncated in UTC.
 */
final class TruncateDateRule extends RuleType {
  TruncateDateRule() {
    super("truncate_date", "truncates to: month (default), year or day", Set.of("to"));
  }

  @Override
  public boolean deterministic() {
    return true;
  }

  @Override
  public Set<PgKind> kinds() {
    return EnumSet.of(PgKind.DATE, PgKind.TIMESTAMP, PgKind.TIMESTAMPTZ);
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    oneOf(given, "to", List.of("year", "month", "day"), errors);
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    String to = params.getOrDefault("to", "month");
    boolean date = context.type().kind() == PgKind.DATE;
    return value -> {
      if (date) {
        int d = PgBinary.readDate(value);
        if (d == Integer.MAX_VALUE || d == Integer.MIN_VALUE) {
          return value;
        }
        return PgBinary.writeDate((int) truncate(LocalDate.ofEpochDay(d), to).toEpochDay());
      }
      long t = PgBinary.readTimestamp(value);
      if (PgBinary.isInfinite(t)) {
        return value;
      }
      LocalDate day = LocalDateTime.ofEpochSecond(Math.floorDiv(t, 1_000_000L), 0, ZoneOffset.UTC)
          .toLocalDate();
      long micros = truncate(day, to).toEpochDay() * DateShiftRule.DAY_MICROS;
      return PgBinary.writeTimestamp(micros);
    };
  }

  private static LocalDate truncate(LocalDate d, String to) {
    return switch (to) {
      case "year" -> d.withDayOfYear(1);
      case "day" -> d;
      default -> d.withDayOfMonth(1);
    };
  }
}
