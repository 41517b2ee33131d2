package dev.veil.activities.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoPostgresTest {

  private static final Map<String, String> NO_PROPERTIES = Map.of();

  @Test
  void embeddedServerStartsAnswersAndStops() throws SQLException {
    int port;
    try (DemoPostgres pg = startEmbeddedOrSkip()) {
      assertTrue(pg.isEmbedded());
      assertTrue(pg.description().startsWith("embedded PostgreSQL "), pg.description());
      assertEquals("postgres", pg.user());
      assertEquals(1, selectOne(pg.settings("postgres")));

      pg.recreateDatabase("demo_source");
      try (Connection c = ConnectionRegistry.open(pg.settings("demo_source"), "test");
          Statement s = c.createStatement()) {
        s.execute("create table leftover (id int)");
      }
      pg.recreateDatabase("demo_source");
      assertEquals(
          0,
          selectOne(
              pg.settings("demo_source"),
              "select count(*) from pg_tables where tablename = 'leftover'"));
      port = Integer.parseInt(pg.description().replaceAll(".* on port ", ""));
      assertTrue(pg.jdbcUrl("demo_source").contains(":" + port + "/demo_source"));
    }
    assertFalse(listening("localhost", port), "stopped on close");
  }

  @Test
  void configuredUrlWinsAndItsPasswordStaysOutOfDescriptions() throws SQLException {
    assumeTrue(listening("127.0.0.1", 5432), "needs the local server on 127.0.0.1:5432");
    try (DemoPostgres pg =
        DemoPostgres.start(
            "jdbc:postgresql://127.0.0.1:5432/postgres"
                + "?user=postgres&password=s3cret&sslmode=disable",
            () -> {
              throw new AssertionError("must not start an embedded server");
            },
            DemoPostgres.LOCAL_URL)) {
      assertFalse(pg.isEmbedded());
      assertEquals(
          "PostgreSQL at jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&sslmode=disable",
          pg.description());
      assertFalse(pg.toString().contains("s3cret"));
      assertEquals(
          new ConnectionSettings(
              "jdbc:postgresql://127.0.0.1:5432/shop",
              "postgres",
              "s3cret",
              Map.of("sslmode", "disable")),
          pg.settings("shop"));
      assertEquals(
          "jdbc:postgresql://127.0.0.1:5432/shop?user=postgres&password=s3cret&sslmode=disable",
          pg.jdbcUrl("shop"));
      assertEquals(1, selectOne(pg.settings("postgres")));
    }
  }

  @Test
  void fallsBackToTheLocalServerWhenEmbeddedFails() throws SQLException {
    assumeTrue(listening("127.0.0.1", 5432), "needs the local server on 127.0.0.1:5432");
    try (DemoPostgres pg =
        DemoPostgres.start(
            null,
            () -> {
              throw new IllegalStateException("no embedded server in this test");
            },
            DemoPostgres.LOCAL_URL)) {
      assertFalse(pg.isEmbedded());
      assertEquals(
          "PostgreSQL at jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres",
          pg.description());
      assertEquals(
          new ConnectionSettings(
              "jdbc:postgresql://127.0.0.1:5432/x", "postgres", null, NO_PROPERTIES),
          pg.settings("x"));
      assertEquals(1, selectOne(pg.settings("postgres")));
    }
  }

  @Test
  void failsClearlyWhenNoServerCanBeFound() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                DemoPostgres.start(
                    " ",
                    () -> {
                      throw new IllegalStateException("no embedded server in this test");
                    },
                    "jdbc:postgresql://127.0.0.1:1/postgres?user=postgres"));
    assertTrue(e.getMessage().contains("no embedded server in this test"), e.getMessage());
    assertTrue(e.getMessage().contains("set VEIL_PG_URL"), e.getMessage());
  }

  @Test
  void refusesUnsafeDatabaseNames() {
    assumeTrue(listening("127.0.0.1", 5432), "needs the local server on 127.0.0.1:5432");
    try (DemoPostgres pg = DemoPostgres.start(DemoPostgres.LOCAL_URL, null, null)) {
      assertThrows(IllegalArgumentException.class, () -> pg.recreateDatabase("x\"; drop"));
      assertThrows(IllegalArgumentException.class, () -> pg.recreateDatabase("postgres"));
    }
  }

  /**
   * Skips only where embedded PostgreSQL cannot work at all: as root without user namespaces
   * (initdb refuses root). Any other failure fails the test.
   */
  private static DemoPostgres startEmbeddedOrSkip() {
    try {
      return DemoPostgres.startEmbedded();
    } catch (IllegalStateException e) {
      assumeFalse(
          DemoPostgres.ROOT_WITHOUT_USER_NAMESPACES.equals(e.getMessage()), e.getMessage());
      throw e;
    }
  }

  private static long selectOne(ConnectionSettings settings) throws SQLException {
    return selectOne(settings, "select 1");
  }

  private static long selectOne(ConnectionSettings settings, String sql) throws SQLException {
    try (Connection c = ConnectionRegistry.open(settings, "test");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean listening(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
