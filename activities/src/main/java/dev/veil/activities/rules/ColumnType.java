package dev.veil.activities.rules;

import java.util.Locale;

/**
 * A column's type as rules see it: the base kind, whether it is a one-dimensional array of that
 * kind, and the {@code format_type} text it was read from.
 *
 * @param kind the base type, {@link PgKind#OTHER} for types no rule decodes
 * @param array whether the column is an array of {@code kind}
 * @param formatted the type as {@code format_type} prints it
 */
public record ColumnType(PgKind kind, boolean array, String formatted) {

  /** Text, for tests and rules that only see strings. */
  public static final ColumnType TEXT = new ColumnType(PgKind.TEXT, false, "text");

  /**
   * Classifies a {@code format_type} text ({@code "character varying(20)"}, {@code "integer[]"},
   * {@code "timestamp(3) with time zone"}, {@code "public.citext"}).
   */
  public static ColumnType parse(String formatted) {
    if (formatted == null) {
      return new ColumnType(PgKind.OTHER, false, null);
    }
    String t = formatted.trim();
    boolean array = false;
    while (t.endsWith("[]")) {
      array = true;
      t = t.substring(0, t.length() - 2);
    }
    String base = t.replaceAll("\\([^)]*\\)", "").replaceAll("\\s+", " ").trim()
        .toLowerCase(Locale.ROOT);
    return new ColumnType(kindOf(base), array, formatted);
  }

  private static PgKind kindOf(String base) {
    return switch (base) {
      case "text", "character varying", "character", "name", "citext", "public.citext",
          "bpchar", "varchar" -> PgKind.TEXT;
      case "boolean" -> PgKind.BOOL;
      case "smallint" -> PgKind.INT2;
      case "integer" -> PgKind.INT4;
      case "bigint" -> PgKind.INT8;
      case "real" -> PgKind.FLOAT4;
      case "double precision" -> PgKind.FLOAT8;
      case "numeric" -> PgKind.NUMERIC;
      case "date" -> PgKind.DATE;
      case "timestamp without time zone", "timestamp" -> PgKind.TIMESTAMP;
      case "timestamp with time zone", "timestamptz" -> PgKind.TIMESTAMPTZ;
      case "uuid" -> PgKind.UUID;
      case "inet" -> PgKind.INET;
      case "json" -> PgKind.JSON;
      case "jsonb" -> PgKind.JSONB;
      default -> PgKind.OTHER;
    };
  }

  /** The element type of an array column. */
  public ColumnType element() {
    String f = formatted != null && formatted.endsWith("[]")
        ? formatted.substring(0, formatted.length() - 2) : formatted;
    return new ColumnType(kind, false, f);
  }
}
