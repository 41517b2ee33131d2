package dev.veil.activities.rules;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/** Renders binary values of simple types as PostgreSQL prints them, for row templates. */
public final class PgText {

  /** The kinds {@link #render} knows. */
  public static final Set<PgKind> RENDERABLE = EnumSet.of(PgKind.TEXT, PgKind.INT2, PgKind.INT4,
      PgKind.INT8, PgKind.NUMERIC, PgKind.UUID, PgKind.DATE, PgKind.BOOL);

  private PgText() {}

  /** The text of a value; {@code ""} for NULL. */
  public static String render(ColumnType type, byte[] value) {
    if (value == null) {
      return "";
    }
    return switch (type.kind()) {
      case INT2, INT4, INT8 -> Long.toString(PgBinary.readInteger(value));
      case NUMERIC -> {
        java.math.BigDecimal d = PgBinary.readNumeric(value);
        yield d == null ? "NaN" : d.toPlainString();
      }
      case UUID -> {
        ByteBuffer b = ByteBuffer.wrap(value);
        yield new UUID(b.getLong(), b.getLong()).toString();
      }
      case DATE -> LocalDate.ofEpochDay(PgBinary.readDate(value)).toString();
      case BOOL -> value[0] != 0 ? "true" : "false";
      default -> new String(value, StandardCharsets.UTF_8);
    };
  }
}
