package dev.veil.activities.rules;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves dates and timestamps by a keyed whole number of days in ±{@code days} (never 0). By
 * default every value moves by its own keyed amount; with {@code consistent: true} the whole
 * column moves by one keyed amount, so intervals between its values stay exact; with
 * {@code by: person_id} every row moves by the amount keyed on that column's value, so the
 * intervals within one person's rows stay exact, in every table that shifts by the same key. The
 * time of day is kept; infinities stay.
 */
final class DateShiftRule extends RuleType {
  static final long DAY_MICROS = 86_400_000_000L;

  DateShiftRule() {
    super("date_shift", "keyed shift by up to ±days (default 30) days; consistent: true moves"
        + " the whole column by one amount; by: column keys the shift on that column of the row",
        Set.of("days", "consistent", "by"));
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
    if (boolParam(given, "consistent", errors) && given.containsKey("by")) {
      errors.add("by: cannot be combined with consistent");
    }
    String by = given.get("by");
    if (by != null && !by.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
      errors.add("by: must be a column name");
    }
  }

  @Override
  public java.util.List<String> referencedColumns(Map<String, String> params) {
    return params.containsKey("by") ? java.util.List.of(params.get("by")) : java.util.List.of();
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    KeyedHash mac = context.requireKey(name()).keyedHash("date_shift");
    int days = intParam(params, "days", 30);
    boolean consistent = "true".equals(params.get("consistent"));
    int columnShift = shift(mac.hash(Bytes.utf8("column:" + context.column())), days);
    boolean date = context.type().kind() == PgKind.DATE;
    String keyColumn = params.get("by");
    if (keyColumn != null) {
      int index = context.row().indexOf(keyColumn);
      if (index < 0) {
        throw new IllegalArgumentException("date_shift of column " + context.column()
            + " is keyed on column " + keyColumn + ", which is not copied");
      }
      ColumnType keyType = context.row().types().get(index);
      return (RowTransform) (value, row) -> {
        int shift = shift(mac.hash(Bytes.utf8("row:" + PgText.render(keyType, row[index]))), days);
        return shifted(value, shift, date);
      };
    }
    return value -> shifted(value, consistent ? columnShift : shift(mac.hash(value), days), date);
  }

  private static byte[] shifted(byte[] value, int by, boolean date) {
    if (date) {
      int d = PgBinary.readDate(value);
      return d == Integer.MAX_VALUE || d == Integer.MIN_VALUE ? value : PgBinary.writeDate(d + by);
    }
    long t = PgBinary.readTimestamp(value);
    return PgBinary.isInfinite(t) ? value : PgBinary.writeTimestamp(t + by * DAY_MICROS);
  }

  /** A keyed day count in [-days, days] without 0. */
  private static int shift(byte[] digest, int days) {
    int r = (int) (Bytes.u32(digest, 0) % (2L * days));
    return r < days ? r - days : r - days + 1;
  }
}
