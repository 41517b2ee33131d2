package dev.veil.activities.rules;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's binary send/receive formats for the types rules decode. Every method reads or
 * writes exactly what the server's {@code *_send} function produces and {@code *_recv} accepts.
 */
public final class PgBinary {

  /** Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01. */
  public static final int PG_EPOCH_DAYS = 10_957;
  /** Microseconds from the Unix epoch to PostgreSQL's epoch. */
  public static final long PG_EPOCH_MICROS = PG_EPOCH_DAYS * 86_400_000_000L;

  private static final int NUMERIC_POS = 0x0000;
  private static final int NUMERIC_NEG = 0x4000;
  private static final BigInteger NBASE = BigInteger.valueOf(10_000);

  private PgBinary() {}

  // ---- integers and floats

  public static long readInteger(byte[] b) {
    return switch (b.length) {
      case 2 -> ByteBuffer.wrap(b).getShort();
      case 4 -> ByteBuffer.wrap(b).getInt();
      case 8 -> ByteBuffer.wrap(b).getLong();
      default -> throw new IllegalArgumentException("integer of " + b.length + " bytes");
    };
  }

  /** Writes {@code v} in {@code bytes} (2, 4 or 8) bytes; the caller keeps it in range. */
  public static byte[] writeInteger(long v, int bytes) {
    ByteBuffer out = ByteBuffer.allocate(bytes);
    switch (bytes) {
      case 2 -> out.putShort((short) v);
      case 4 -> out.putInt((int) v);
      case 8 -> out.putLong(v);
      default -> throw new IllegalArgumentException("integer of " + bytes + " bytes");
    }
    return out.array();
  }

  public static double readFloat(byte[] b) {
    return b.length == 4 ? ByteBuffer.wrap(b).getFloat() : ByteBuffer.wrap(b).getDouble();
  }

  public static byte[] writeFloat(double v, int bytes) {
    return bytes == 4
        ? ByteBuffer.allocate(4).putFloat((float) v).array()
        : ByteBuffer.allocate(8).putDouble(v).array();
  }

  // ---- date and time

  /** A date as days since 1970-01-01 (infinity stays as the server's sentinel). */
  public static int readDate(byte[] b) {
    int pg = ByteBuffer.wrap(b).getInt();
    return pg == Integer.MAX_VALUE || pg == Integer.MIN_VALUE ? pg : pg + PG_EPOCH_DAYS;
  }

  public static byte[] writeDate(int epochDays) {
    int pg = epochDays == Integer.MAX_VALUE || epochDays == Integer.MIN_VALUE
        ? epochDays : epochDays - PG_EPOCH_DAYS;
    return ByteBuffer.allocate(4).putInt(pg).array();
  }

  /** A timestamp as microseconds since 1970-01-01 UTC (infinity stays as the sentinel). */
  public static long readTimestamp(byte[] b) {
    long pg = ByteBuffer.wrap(b).getLong();
    return pg == Long.MAX_VALUE || pg == Long.MIN_VALUE ? pg : pg + PG_EPOCH_MICROS;
  }

  public static byte[] writeTimestamp(long epochMicros) {
    long pg = epochMicros == Long.MAX_VALUE || epochMicros == Long.MIN_VALUE
        ? epochMicros : epochMicros - PG_EPOCH_MICROS;
    return ByteBuffer.allocate(8).putLong(pg).array();
  }

  public static boolean isInfinite(long value) {
    return value == Long.MAX_VALUE || value == Long.MIN_VALUE;
  }

  // ---- numeric

  /**
   * A numeric value with its display scale, or {@code null} for NaN and ±Infinity (which rules
   * leave as they are).
   */
  public static BigDecimal readNumeric(byte[] b) {
    ByteBuffer in = ByteBuffer.wrap(b);
    int ndigits = in.getShort();
    int weight = in.getShort();
    int sign = in.getShort() & 0xffff;
    int dscale = in.getShort();
    if (sign != NUMERIC_POS && sign != NUMERIC_NEG) {
      return null;
    }
    BigInteger unscaled = BigInteger.ZERO;
    for (int i = 0; i < ndigits; i++) {
      unscaled = unscaled.multiply(NBASE).add(BigInteger.valueOf(in.getShort()));
    }
    // digits are base-10000 groups; the last one has weight (weight - ndigits + 1)
    int exponent = 4 * (weight - ndigits + 1);
    BigDecimal v = new BigDecimal(unscaled, -exponent);
    if (sign == NUMERIC_NEG) {
      v = v.negate();
    }
    return v.setScale(dscale, RoundingMode.UNNECESSARY);
  }

  /** Scale of a binary numeric (its {@code dscale}). */
  public static int numericScale(byte[] b) {
    return ByteBuffer.wrap(b).getShort(6);
  }

  /** Writes {@code value} rounded half-up to {@code dscale} decimal places. */
  public static byte[] writeNumeric(BigDecimal value, int dscale) {
    BigDecimal v = value.setScale(dscale, RoundingMode.HALF_UP);
    int sign = v.signum() < 0 ? NUMERIC_NEG : NUMERIC_POS;
    String plain = v.abs().toPlainString();
    int dot = plain.indexOf('.');
    String intPart = dot < 0 ? plain : plain.substring(0, dot);
    String fracPart = dot < 0 ? "" : plain.substring(dot + 1);
    intPart = "0".repeat((4 - intPart.length() % 4) % 4) + intPart;
    fracPart = fracPart + "0".repeat((4 - fracPart.length() % 4) % 4);
    List<Integer> groups = new ArrayList<>();
    for (int i = 0; i < intPart.length(); i += 4) {
      groups.add(Integer.parseInt(intPart.substring(i, i + 4)));
    }
    int weight = groups.size() - 1;
    for (int i = 0; i < fracPart.length(); i += 4) {
      groups.add(Integer.parseInt(fracPart.substring(i, i + 4)));
    }
    int first = 0;
    while (first < groups.size() && groups.get(first) == 0) {
      first++;
      weight--;
    }
    int last = groups.size();
    while (last > first && groups.get(last - 1) == 0) {
      last--;
    }
    if (first == last) {
      weight = 0;
      sign = NUMERIC_POS;
    }
    ByteBuffer out = ByteBuffer.allocate(8 + 2 * (last - first));
    out.putShort((short) (last - first));
    out.putShort((short) weight);
    out.putShort((short) sign);
    out.putShort((short) dscale);
    for (int i = first; i < last; i++) {
      out.putShort(groups.get(i).shortValue());
    }
    return out.array();
  }

  // ---- inet

  /** An inet value: address bytes (4 or 16), prefix bits and whether it came from a cidr. */
  public record Inet(byte[] address, int bits, boolean cidr) {}

  public static Inet readInet(byte[] b) {
    int length = b[3] & 0xff;
    byte[] address = new byte[length];
    System.arraycopy(b, 4, address, 0, length);
    return new Inet(address, b[1] & 0xff, b[2] != 0);
  }

  public static byte[] writeInet(Inet inet) {
    byte[] out = new byte[4 + inet.address().length];
    out[0] = (byte) (inet.address().length == 4 ? 2 : 3); // PGSQL_AF_INET, PGSQL_AF_INET6
    out[1] = (byte) inet.bits();
    out[2] = (byte) (inet.cidr() ? 1 : 0);
    out[3] = (byte) inet.address().length;
    System.arraycopy(inet.address(), 0, out, 4, inet.address().length);
    return out;
  }

  // ---- json

  /** JSON text of a json ({@code jsonb == false}) or jsonb value. */
  public static String readJson(byte[] b, boolean jsonb) {
    if (!jsonb) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (b.length == 0 || b[0] != 1) {
      throw new IllegalArgumentException("unsupported jsonb version");
    }
    return new String(b, 1, b.length - 1, StandardCharsets.UTF_8);
  }

  public static byte[] writeJson(String text, boolean jsonb) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (!jsonb) {
      return utf8;
    }
    byte[] out = new byte[utf8.length + 1];
    out[0] = 1;
    System.arraycopy(utf8, 0, out, 1, utf8.length);
    return out;
  }

  // ---- arrays

  /**
   * A decoded array: its header (dimensions, lower bounds, element type oid) and its elements in
   * storage order, {@code null} for SQL NULL.
   */
  public record PgArray(int elementOid, int[] dims, int[] lowerBounds, byte[][] elements) {}

  public static PgArray readArray(byte[] b) {
    ByteBuffer in = ByteBuffer.wrap(b);
    int ndim = in.getInt();
    in.getInt(); // has-nulls flag: recomputed on write
    int elementOid = in.getInt();
    int[] dims = new int[ndim];
    int[] lbounds = new int[ndim];
    int count = ndim == 0 ? 0 : 1;
    for (int i = 0; i < ndim; i++) {
      dims[i] = in.getInt();
      lbounds[i] = in.getInt();
      count *= dims[i];
    }
    byte[][] elements = new byte[count][];
    for (int i = 0; i < count; i++) {
      int length = in.getInt();
      if (length >= 0) {
        elements[i] = new byte[length];
        in.get(elements[i]);
      }
    }
    return new PgArray(elementOid, dims, lbounds, elements);
  }

  public static byte[] writeArray(PgArray array) {
    int size = 12 + 8 * array.dims().length;
    boolean nulls = false;
    for (byte[] e : array.elements()) {
      size += 4 + (e == null ? 0 : e.length);
      nulls |= e == null;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(array.dims().length);
    out.putInt(nulls ? 1 : 0);
    out.putInt(array.elementOid());
    for (int i = 0; i < array.dims().length; i++) {
      out.putInt(array.dims()[i]);
      out.putInt(array.lowerBounds()[i]);
    }
    for (byte[] e : array.elements()) {
      if (e == null) {
        out.putInt(-1);
      } else {
        out.putInt(e.length);
        out.put(e);
      }
    }
    return out.array();
  }
}
