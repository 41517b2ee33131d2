package dev.veil.activities.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Canaries planted in rows (an e-mail in the copied table, a value in another table, a password)
 * and every error path a filter or a bad row can provoke on a real PostgreSQL: what {@link
 * SafeErrors#describe} reports never holds a canary, but still says what happened (SQLSTATE).
 */
class SafeErrorsCanaryIT {

  private static final String EMAIL = "canary.mail@leak.example";
  private static final String OTHER = "CanaryOtherTable7781";
  private static final String PASSWORD = "Canary-Pa55word-x9";

  private static ConnectionSettings db;

  @BeforeAll
  static void plantCanaries() throws SQLException {
    db = TestPostgres.createDatabase("veil_canary");
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TYPE mood AS ENUM ('ok', 'sad')");
      s.execute("CREATE TABLE customers (id int PRIMARY KEY, email text UNIQUE,"
          + " n int CHECK (n < 10), m mood, secret_ref text NOT NULL)");
      s.execute("INSERT INTO customers VALUES (1, '" + EMAIL + "', 1, 'ok', 'x')");
      s.execute("CREATE TABLE vault (secret text)");
      s.execute("INSERT INTO vault VALUES ('" + OTHER + "'), ('" + PASSWORD + "')");
    }
  }

  @AfterAll
  static void drop() {
    TestPostgres.dropDatabase(db);
  }

  /** Statements that fail with a canary somewhere in the server's message, detail or context. */
  static final List<String> PROVOCATIONS =
      List.of(
          "SELECT * FROM customers WHERE email::int > 0",
          "SELECT * FROM customers WHERE current_setting(email) IS NOT NULL",
          "SELECT * FROM customers WHERE current_setting((SELECT min(secret) FROM vault)) = ''",
          "SELECT * FROM customers WHERE email::date IS NOT NULL",
          "SELECT * FROM customers WHERE email::timestamp IS NOT NULL",
          "SELECT * FROM customers WHERE email::uuid IS NOT NULL",
          "SELECT * FROM customers WHERE email::numeric > 0",
          "SELECT * FROM customers WHERE email::boolean",
          "SELECT * FROM customers WHERE email::jsonb IS NOT NULL",
          "SELECT * FROM customers WHERE email::int[] IS NOT NULL",
          "SELECT * FROM customers WHERE email::inet IS NOT NULL",
          "SELECT * FROM customers WHERE email::mood IS NOT NULL",
          "SELECT * FROM customers WHERE email::regclass IS NOT NULL",
          "SELECT * FROM customers WHERE email::regproc IS NOT NULL",
          "SELECT * FROM customers WHERE email::regtype IS NOT NULL",
          "SELECT * FROM customers WHERE email::regrole IS NOT NULL",
          "SELECT * FROM customers WHERE email::regnamespace IS NOT NULL",
          "SELECT * FROM customers WHERE to_date(email, 'YYYY-MM') IS NOT NULL",
          "SELECT * FROM customers WHERE to_number(email, '999') > 0",
          "SELECT * FROM customers WHERE (SELECT min(secret) FROM vault)::int > 0",
          "SELECT * FROM customers WHERE (SELECT max(secret) FROM vault)::int > 0",
          "SELECT * FROM customers WHERE set_config(email, 'x', true) IS NOT NULL",
          "SELECT * FROM customers WHERE pg_read_file(email) IS NOT NULL",
          "SELECT * FROM customers WHERE email::varchar(3)::int > 0",
          "SELECT * FROM customers WHERE (email || ' ')::interval IS NOT NULL",
          "SELECT * FROM customers WHERE email::money > 0::money",
          "SELECT * FROM customers WHERE email::xml IS NOT NULL",
          "SELECT * FROM customers WHERE convert_from(email::bytea, email) = ''",
          "INSERT INTO customers VALUES (2, '" + EMAIL + "', 1, 'ok', 'x')",
          "INSERT INTO customers SELECT 3, secret, 1, 'ok', 'x' FROM vault"
              + " UNION ALL SELECT 4, secret, 1, 'ok', 'x' FROM vault",
          "INSERT INTO customers VALUES (5, '" + PASSWORD + "', 11, 'ok', 'x')",
          "INSERT INTO customers VALUES (6, '" + PASSWORD + "', 1, 'ok', NULL)",
          "INSERT INTO customers VALUES (7, 'x', 1, '" + PASSWORD + "', 'x')",
          "UPDATE customers SET email = (SELECT min(secret) FROM vault)::int::text",
          "SET ROLE \"" + PASSWORD + "\"",
          "SET search_path = \"" + PASSWORD + "\"; SELECT * FROM x_" + PASSWORD.toLowerCase(Locale.ROOT).replace('-', '_'),
          "SELECT * FROM \"" + OTHER + "\"",
          "DO $$ BEGIN RAISE EXCEPTION 'leak %', (SELECT min(secret) FROM vault); END $$",
          "DO $$ BEGIN RAISE EXCEPTION USING MESSAGE = (SELECT string_agg(email, ',') FROM customers); END $$",
          "SELECT 1/0 FROM customers WHERE email = '" + EMAIL + "'",
          "SELECT '" + EMAIL + "' FROM customers WHERE",
          "SELECT " + EMAIL + " FROM customers");

  @Test
  void noCanaryReachesTheMessageOfAnyProvokedError() throws SQLException {
    List<String> leaks = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    int failed = 0;
    try (Connection c = TestPostgres.connect(db)) {
      c.setAutoCommit(true);
      for (String sql : PROVOCATIONS) {
        SQLException error = run(c, sql);
        if (error == null) {
          continue;
        }
        failed++;
        String message = SafeErrors.describe(error);
        String wrapped = SafeErrors.describe(new IllegalStateException("task failed", error));
        messages.add(message);
        for (String text : List.of(message, wrapped)) {
          String lower = text.toLowerCase(Locale.ROOT);
          if (lower.contains("canary")) {
            leaks.add(sql + " => " + text);
          }
          assertTrue(text.matches(".*\\(SQLSTATE [0-9A-Z]{5}\\)"), text);
        }
      }
    }
    assertEquals(List.of(), leaks);
    assertTrue(failed >= PROVOCATIONS.size() - 4, failed + " of " + PROVOCATIONS.size()
        + " failed: " + messages);
  }

  @Test
  void knownShapesStillSayWhatHappened() throws SQLException {
    try (Connection c = TestPostgres.connect(db)) {
      assertEquals("invalid input syntax for type integer (SQLSTATE 22P02)",
          SafeErrors.describe(run(c, "SELECT * FROM customers WHERE email::int > 0")));
      assertEquals("unrecognized configuration parameter (SQLSTATE 42704)",
          SafeErrors.describe(run(c, "SELECT current_setting(email) FROM customers")));
      assertEquals(
          "duplicate key value violates unique constraint \"customers_email_key\" (SQLSTATE 23505)",
          SafeErrors.describe(run(c, "INSERT INTO customers VALUES (2, '" + EMAIL + "', 1, 'ok',"
              + " 'x')")));
      assertEquals(
          "new row for relation \"customers\" violates check constraint \"customers_n_check\""
              + " (SQLSTATE 23514)",
          SafeErrors.describe(run(c, "INSERT INTO customers VALUES (9, 'y', 11, 'ok', 'x')")));
      assertEquals("PL/pgSQL error (SQLSTATE P0001)",
          SafeErrors.describe(run(c, "DO $$ BEGIN RAISE EXCEPTION '" + EMAIL + "'; END $$")));
      assertEquals("column \"nope\" does not exist (SQLSTATE 42703)",
          SafeErrors.describe(run(c, "SELECT nope FROM customers")));
    }
  }

  @Test
  void veilsOwnMessagesKeepTheirWordsButLoseQuotedText() {
    assertEquals(
        "IllegalStateException: rule 'email' needs a masking key: set masking.key",
        SafeErrors.describe(
            new IllegalStateException("rule 'email' needs a masking key: set masking.key")));
    String embedded =
        SafeErrors.describe(new IllegalStateException(
            "copy failed: ERROR: invalid input syntax for type integer: \"" + EMAIL + "\""));
    assertFalse(embedded.contains("canary"), embedded);
  }

  private static SQLException run(Connection c, String sql) {
    try (Statement s = c.createStatement()) {
      boolean rows = s.execute(sql);
      while (true) {
        if (rows) {
          try (ResultSet r = s.getResultSet()) {
            while (r.next()) {
              assertNotNull(r.getMetaData());
            }
          }
        } else if (s.getUpdateCount() == -1) {
          break;
        }
        rows = s.getMoreResults();
      }
      return null;
    } catch (SQLException e) {
      return e;
    }
  }
}
