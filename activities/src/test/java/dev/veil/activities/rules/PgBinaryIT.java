package dev.veil.activities.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The binary codecs against the real server: decoding what {@code *_send} produces gives the
 * server's own value, re-encoding gives the same bytes, and rows encoded in Java load through
 * {@code COPY … FROM STDIN (FORMAT binary)}.
 */
class PgBinaryIT {

  private static ConnectionSettings db;
  private static Connection c;

  @BeforeAll
  static void database() throws Exception {
    db = TestPostgres.createDatabase("veil_codecs");
    c = TestPostgres.connect(db);
  }

  @AfterAll
  static void drop() throws Exception {
    c.close();
    TestPostgres.dropDatabase(db);
  }

  private static byte[] send(String expression) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + expression)) {
      rs.next();
      return rs.getBytes(1);
    }
  }

  private static String text(String expression) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT (" + expression + ")::text")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void numericDecodesToTheServersValueAndReencodesToTheSameBytes() throws Exception {
    for (String v : List.of("0", "1", "-1", "12345.6789", "0.0001", "1e20", "-0.5", "123.450",
        "99999999.99", "0.000000001234", "10000", "-70000.00070", "3.14159265358979323846")) {
      byte[] sent = send("numeric_send('" + v + "'::numeric)");
      BigDecimal decoded = PgBinary.readNumeric(sent);
      assertEquals(text("'" + v + "'::numeric"), decoded.toPlainString(), v);
      assertArrayEquals(sent, PgBinary.writeNumeric(decoded, PgBinary.numericScale(sent)), v);
    }
    assertNull(PgBinary.readNumeric(send("numeric_send('NaN'::numeric)")));
  }

  @Test
  void scalarTypesRoundTrip() throws Exception {
    assertEquals(-12345, PgBinary.readInteger(send("int2send(-12345::int2)")));
    assertEquals(2_000_000_123L, PgBinary.readInteger(send("int4send(2000000123)")));
    assertEquals(-9_000_000_000_123L, PgBinary.readInteger(send("int8send(-9000000000123)")));
    assertArrayEquals(send("int8send(-9000000000123)"), PgBinary.writeInteger(-9_000_000_000_123L, 8));
    assertEquals(1.5f, (float) PgBinary.readFloat(send("float4send(1.5::real)")));
    assertArrayEquals(send("float8send(-2.25::float8)"), PgBinary.writeFloat(-2.25, 8));
    byte[] date = send("date_send('1987-06-15'::date)");
    assertEquals(LocalDate.of(1987, 6, 15).toEpochDay(), PgBinary.readDate(date));
    assertArrayEquals(date, PgBinary.writeDate((int) LocalDate.of(1987, 6, 15).toEpochDay()));
    byte[] ts = send("timestamp_send('2021-03-04 05:06:07.123456'::timestamp)");
    long micros = java.time.LocalDateTime.of(2021, 3, 4, 5, 6, 7, 123_456_000)
        .toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000 + 123_456;
    assertEquals(micros, PgBinary.readTimestamp(ts));
    assertArrayEquals(ts, PgBinary.writeTimestamp(micros));
    byte[] inet = send("inet_send('2001:db8::5/64'::inet)");
    PgBinary.Inet decoded = PgBinary.readInet(inet);
    assertEquals(64, decoded.bits());
    assertArrayEquals(inet, PgBinary.writeInet(decoded));
    byte[] v4 = send("inet_send('192.168.1.5/24'::inet)");
    assertArrayEquals(v4, PgBinary.writeInet(PgBinary.readInet(v4)));
    assertEquals("{\"a\": [1, 2]}", PgBinary.readJson(send("jsonb_send('{\"a\":[1,2]}'::jsonb)"), true));
    assertArrayEquals(send("jsonb_send('{\"a\": 1}'::jsonb)"), PgBinary.writeJson("{\"a\": 1}", true));
  }

  @Test
  void arraysRoundTripWithNullsAndTwoDimensions() throws Exception {
    for (String v : List.of("'{1,NULL,3}'::int4[]", "'{{a,b},{c,NULL}}'::text[]", "'{}'::int4[]",
        "'[0:1]={7,8}'::int8[]")) {
      byte[] sent = send("array_send(" + v + ")");
      assertArrayEquals(sent, PgBinary.writeArray(PgBinary.readArray(sent)), v);
    }
  }

  @Test
  void rowsEncodedInJavaLoadThroughBinaryCopy() throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE codec_rows (n numeric(12,3), d date, t timestamptz, i inet,"
          + " j jsonb, a int4[], s int2)");
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    out.write(new byte[] {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0});
    out.writeInt(0);
    out.writeInt(0);
    List<byte[]> fields = List.of(
        PgBinary.writeNumeric(new BigDecimal("-1234.5678"), 3),
        PgBinary.writeDate((int) LocalDate.of(2024, 2, 29).toEpochDay()),
        PgBinary.writeTimestamp(0),
        PgBinary.writeInet(new PgBinary.Inet(new byte[] {10, 1, 2, 3}, 32, false)),
        PgBinary.writeJson("{\"k\": \"v\"}", true),
        PgBinary.writeArray(new PgBinary.PgArray(23, new int[] {3}, new int[] {1},
            new byte[][] {PgBinary.writeInteger(5, 4), null, PgBinary.writeInteger(-6, 4)})),
        PgBinary.writeInteger(-7, 2));
    out.writeShort(fields.size());
    for (byte[] f : fields) {
      out.writeInt(f.length);
      out.write(f);
    }
    out.writeShort(-1);
    ((PGConnection) c.unwrap(PGConnection.class)).getCopyAPI().copyIn(
        "COPY codec_rows FROM STDIN (FORMAT binary)", new java.io.ByteArrayInputStream(buf.toByteArray()));
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT n::text, d::text, (t AT TIME ZONE 'UTC')::text, i::text, j::text, a::text, s::text"
            + " FROM codec_rows");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      assertEquals("-1234.568", rs.getString(1));
      assertEquals("2024-02-29", rs.getString(2));
      assertEquals("1970-01-01 00:00:00", rs.getString(3));
      assertEquals("10.1.2.3/32", rs.getString(4));
      assertEquals("{\"k\": \"v\"}", rs.getString(5));
      assertEquals("{5,NULL,-6}", rs.getString(6));
      assertEquals("-7", rs.getString(7));
    }
  }
}
