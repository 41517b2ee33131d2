package dev.veil.activities.delivery;

import dev.veil.activities.rules.ColumnType;
import dev.veil.activities.rules.PgBinary;
import dev.veil.activities.rules.PgKind;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One delivered column: its PostgreSQL type and the typed value its binary COPY field decodes to.
 * Types without a typed mapping are read from the source as text ({@link #readAsText}).
 *
 * @param name column name
 * @param pgType the type as {@code format_type} prints it (named in the manifest)
 * @param kind the delivered value type
 * @param array whether values are (one-dimensional) lists of {@code kind}
 * @param precision decimal precision, for {@link Kind#DECIMAL}
 * @param scale decimal scale, for {@link Kind#DECIMAL}
 * @param readAsText whether the source query casts the column to text
 * @param source the PostgreSQL kind the binary field is in (parsed once, not per value)
 */
public record DeliveryColumn(
    String name, String pgType, Kind kind, boolean array, int precision, int scale,
    boolean readAsText, PgKind source) {

  /** Delivered value types; Java values in parentheses. */
  public enum Kind {
    BOOLEAN, // Boolean
    INT16, // Short
    INT32, // Integer
    INT64, // Long
    FLOAT32, // Float
    FLOAT64, // Double
    DECIMAL, // BigDecimal at the column's scale
    STRING, // String
    JSON, // String (JSON text)
    BINARY, // byte[]
    UUID, // java.util.UUID
    DATE, // LocalDate
    TIMESTAMP, // LocalDateTime (no time zone)
    TIMESTAMPTZ // Instant (UTC)
  }

  private static final Pattern NUMERIC_TYPMOD = Pattern.compile("numeric\\((\\d+)(?:,(\\d+))?\\)");

  /**
   * The delivered column of a source column. A column with a rule keeps its type only where the
   * rule's output decodes ({@code ruled}); other types are read as text.
   *
   * @throws IllegalArgumentException for a ruled column of a type that can only be read as text
   */
  public static DeliveryColumn of(String name, String pgType, boolean ruled) {
    ColumnType type = ColumnType.parse(pgType);
    String base = pgType.replaceAll("\\[]$", "").trim().toLowerCase(Locale.ROOT);
    boolean array = type.array();
    if (array && pgType.indexOf("[]") != pgType.lastIndexOf("[]")) {
      array = true; // multi-dimensional: delivered flat, in storage order
    }
    Kind kind =
        switch (type.kind()) {
          case BOOL -> Kind.BOOLEAN;
          case INT2 -> Kind.INT16;
          case INT4 -> Kind.INT32;
          case INT8 -> Kind.INT64;
          case FLOAT4 -> Kind.FLOAT32;
          case FLOAT8 -> Kind.FLOAT64;
          case NUMERIC -> NUMERIC_TYPMOD.matcher(base.replace(" ", "")).matches()
              ? Kind.DECIMAL : Kind.STRING;
          case TEXT -> Kind.STRING;
          case DATE -> Kind.DATE;
          case TIMESTAMP -> Kind.TIMESTAMP;
          case TIMESTAMPTZ -> Kind.TIMESTAMPTZ;
          case UUID -> Kind.UUID;
          case JSON, JSONB -> Kind.JSON;
          case INET -> Kind.STRING;
          case OTHER -> base.equals("bytea") ? Kind.BINARY : null;
        };
    if (kind == null) {
      if (ruled) {
        throw new IllegalArgumentException("column " + name + ": type " + pgType
            + " with a rule cannot be delivered (no typed mapping for it)");
      }
      // read as text by the source: its text form is delivered
      return new DeliveryColumn(name, pgType, Kind.STRING, false, 0, 0, true, PgKind.TEXT);
    }
    if (type.kind() == PgKind.NUMERIC && kind == Kind.STRING && !ruled) {
      // unconstrained numeric has no fixed scale: its exact text, never a rounded double
      return new DeliveryColumn(name, pgType, Kind.STRING, false, 0, 0, true, PgKind.TEXT);
    }
    if (type.kind() == PgKind.NUMERIC && kind == Kind.STRING) {
      return new DeliveryColumn(name, pgType, Kind.STRING, array, 0, 0, false, PgKind.NUMERIC);
    }
    int precision = 0;
    int scale = 0;
    if (kind == Kind.DECIMAL) {
      Matcher m = NUMERIC_TYPMOD.matcher(base.replace(" ", ""));
      m.matches();
      precision = Integer.parseInt(m.group(1));
      scale = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    }
    return new DeliveryColumn(name, pgType, kind, array, precision, scale, false, type.kind());
  }

  /** Decodes one non-null binary COPY field. */
  public Object decode(byte[] field) {
    if (array && !readAsText) {
      PgBinary.PgArray a = PgBinary.readArray(field);
      List<Object> values = new ArrayList<>(a.elements().length);
      for (byte[] e : a.elements()) {
        values.add(e == null ? null : scalar(e));
      }
      return values;
    }
    return scalar(field);
  }

  private Object scalar(byte[] b) {
    if (readAsText) {
      return new String(b, StandardCharsets.UTF_8);
    }
    return switch (kind) {
      case BOOLEAN -> b[0] != 0;
      case INT16 -> (short) PgBinary.readInteger(b);
      case INT32 -> (int) PgBinary.readInteger(b);
      case INT64 -> PgBinary.readInteger(b);
      case FLOAT32 -> (float) PgBinary.readFloat(b);
      case FLOAT64 -> PgBinary.readFloat(b);
      case DECIMAL -> {
        BigDecimal v = PgBinary.readNumeric(b);
        yield v == null ? null : v.setScale(scale, java.math.RoundingMode.HALF_UP);
      }
      case STRING -> {
        if (source == PgKind.INET) {
          yield inet(PgBinary.readInet(b));
        }
        if (source == PgKind.NUMERIC) {
          BigDecimal v = PgBinary.readNumeric(b);
          yield v == null ? "NaN" : v.toPlainString();
        }
        yield new String(b, StandardCharsets.UTF_8);
      }
      case JSON -> PgBinary.readJson(b, source == PgKind.JSONB);
      case BINARY -> b;
      case UUID -> {
        ByteBuffer buf = ByteBuffer.wrap(b);
        yield new UUID(buf.getLong(), buf.getLong());
      }
      case DATE -> {
        int days = PgBinary.readDate(b);
        // ±infinity are delivered as null, as for timestamps
        yield days == Integer.MAX_VALUE || days == Integer.MIN_VALUE
            ? null : LocalDate.ofEpochDay(days);
      }
      case TIMESTAMP -> {
        long micros = PgBinary.readTimestamp(b);
        yield PgBinary.isInfinite(micros) ? null : LocalDateTime.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1000,
            ZoneOffset.UTC);
      }
      case TIMESTAMPTZ -> {
        long micros = PgBinary.readTimestamp(b);
        yield PgBinary.isInfinite(micros) ? null : Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
      }
    };
  }

  private static String inet(PgBinary.Inet inet) {
    try {
      String address = InetAddress.getByAddress(inet.address()).getHostAddress();
      int full = inet.address().length * 8;
      return inet.bits() == full && !inet.cidr() ? address : address + "/" + inet.bits();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an inet value");
    }
  }
}
