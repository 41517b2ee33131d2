package dev.veil.activities.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.plan.AccessChecks.QualifiedTable;
import dev.veil.activities.testing.TestPostgres;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Access checks with real roles connecting over TCP: what a source role lacks to copy the tables
 * and what a target role lacks to build and swap the twin database. Issue #16 item 12: check
 * missed a missing SELECT privilege and the run failed after copying 260,204 rows; before this
 * class nothing checked privileges at all (these tests did not compile: AccessChecks did not
 * exist).
 */
class AccessChecksIT {

  private static final String SUFFIX = "_" + ProcessHandle.current().pid();
  private static final String READER = "veil_ac_reader" + SUFFIX;
  private static final String PLAIN = "veil_ac_plain" + SUFFIX;
  private static final String CREATOR = "veil_ac_creator" + SUFFIX;
  private static final String OWNER = "veil_ac_owner" + SUFFIX;
  private static final List<String> ROLES = List.of(READER, PLAIN, CREATOR, OWNER);

  private static ConnectionSettings sourceDb;
  private static ConnectionSettings foreignTwin;
  private static ConnectionSettings ownedTwin;

  @BeforeAll
  static void setUp() throws Exception {
    sourceDb = TestPostgres.createDatabase("veil_ac_src");
    foreignTwin = TestPostgres.createDatabase("veil_ac_twin_foreign");
    ownedTwin = TestPostgres.createDatabase("veil_ac_twin_owned");
    try (Connection admin = TestPostgres.admin();
        Statement s = admin.createStatement()) {
      dropRoles(s);
      s.execute("CREATE ROLE " + READER + " LOGIN");
      s.execute("CREATE ROLE " + PLAIN + " LOGIN");
      s.execute("CREATE ROLE " + CREATOR + " LOGIN CREATEDB");
      s.execute("GRANT pg_signal_backend TO " + CREATOR);
      s.execute("CREATE ROLE " + OWNER + " LOGIN CREATEDB");
      s.execute("GRANT pg_signal_backend TO " + OWNER);
      s.execute("ALTER DATABASE " + databaseName(ownedTwin) + " OWNER TO " + OWNER);
    }
    try (Connection c = TestPostgres.connect(sourceDb);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE payments (id int PRIMARY KEY, card text)");
      s.execute("CREATE TABLE ok (id int PRIMARY KEY, note text)");
      s.execute("CREATE TABLE partial (id int PRIMARY KEY, secret text, ssn text,"
          + " id2 int GENERATED ALWAYS AS (id * 2) STORED)");
      s.execute("CREATE TABLE columns_ok (id int PRIMARY KEY, note text)");
      s.execute("CREATE TABLE events (id int, at date) PARTITION BY RANGE (at)");
      s.execute("CREATE TABLE events_2024 PARTITION OF events"
          + " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
      s.execute("CREATE TABLE events_2025 PARTITION OF events"
          + " FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
      s.execute("CREATE TABLE notes (id int PRIMARY KEY, owner text)");
      s.execute("ALTER TABLE notes ENABLE ROW LEVEL SECURITY");
      s.execute("CREATE POLICY own_notes ON notes USING (owner = current_user)");
      s.execute("CREATE SCHEMA sales");
      s.execute("CREATE TABLE sales.orders (id int PRIMARY KEY)");
      s.execute("GRANT USAGE ON SCHEMA public TO " + READER);
      s.execute("GRANT SELECT ON ok, events, events_2024, notes, sales.orders TO " + READER);
      s.execute("GRANT SELECT (id) ON partial TO " + READER);
      s.execute("GRANT SELECT (id, note) ON columns_ok TO " + READER);
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    TestPostgres.dropDatabase(sourceDb);
    TestPostgres.dropDatabase(foreignTwin);
    TestPostgres.dropDatabase(ownedTwin);
    try (Connection admin = TestPostgres.admin();
        Statement s = admin.createStatement()) {
      dropRoles(s);
    }
  }

  private static void dropRoles(Statement s) throws SQLException {
    for (String role : ROLES) {
      s.execute("DROP ROLE IF EXISTS " + role);
    }
  }

  private static String databaseName(ConnectionSettings settings) {
    String url = settings.url();
    return url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
  }

  /** A TCP connection to a test database as a role (trust authentication on 127.0.0.1). */
  private static Connection as(String role, String database) throws SQLException {
    String base = TestPostgres.adminUrl().replaceAll("\\?.*", "");
    return DriverManager.getConnection(
        base.substring(0, base.lastIndexOf('/') + 1) + database + "?user=" + role);
  }

  private static final List<QualifiedTable> COPIED = List.of(
      new QualifiedTable("public", "payments"), new QualifiedTable("public", "ok"),
      new QualifiedTable("public", "partial"), new QualifiedTable("public", "columns_ok"),
      new QualifiedTable("public", "events"), new QualifiedTable("public", "notes"),
      new QualifiedTable("sales", "orders"));

  @Test
  void sourceRoleMissingRightsAreEachNamedWithWhatToGrant() throws Exception {
    List<String> problems;
    try (Connection c = as(READER, databaseName(sourceDb))) {
      problems = AccessChecks.sourceProblems(c, COPIED);
    }
    assertEquals(List.of(
        "source: role " + READER + " lacks USAGE on schema sales (GRANT USAGE ON SCHEMA sales"
            + " TO " + READER + ")",
        "source: role " + READER + " lacks SELECT on public.payments (GRANT SELECT ON"
            + " public.payments TO " + READER + ")",
        "source: role " + READER + " lacks SELECT on public.partial (columns secret, ssn)"
            + " (GRANT SELECT ON public.partial TO " + READER + ")",
        "source: role " + READER + " lacks SELECT on partition public.events_2025 of"
            + " public.events (GRANT SELECT ON public.events_2025 TO " + READER + ")",
        "source: role " + READER + " is subject to row-level security on public.notes, so the"
            + " copy would read only the rows its policies show (ALTER ROLE " + READER
            + " BYPASSRLS, or copy as the table's owner)"), problems);
  }

  @Test
  void whatTheCheckReportsIsExactlyWhatACopyAsThatRoleRefuses() throws Exception {
    try (Connection c = as(READER, databaseName(sourceDb))) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      for (String refused : List.of("SELECT * FROM public.payments",
          "SELECT * FROM public.events_2025", "SELECT * FROM sales.orders",
          "SELECT id, secret, ssn FROM public.partial")) {
        SQLException e = assertThrows(SQLException.class,
            () -> copy.copyOut("COPY (" + refused + ") TO STDOUT", OutputStream.nullOutputStream()),
            refused);
        assertEquals("42501", e.getSQLState(), refused + ": " + e.getMessage());
      }
      for (String read : List.of("SELECT * FROM public.ok", "SELECT * FROM public.events_2024",
          "SELECT * FROM public.columns_ok", "SELECT id FROM public.partial")) {
        copy.copyOut("COPY (" + read + ") TO STDOUT", OutputStream.nullOutputStream());
      }
    }
  }

  @Test
  void aSuperuserPassesBothChecks() throws Exception {
    try (Connection c = TestPostgres.connect(sourceDb)) {
      assertEquals(List.of(), AccessChecks.sourceProblems(c, COPIED));
      assertEquals(List.of(), AccessChecks.targetProblems(c, databaseName(foreignTwin)));
    }
  }

  @Test
  void targetRoleWithoutCreatedbOrSignalRightsIsToldWhatToGrant() throws Exception {
    String twin = databaseName(foreignTwin);
    try (Connection c = as(PLAIN, "postgres")) {
      assertEquals(List.of(
          "target: role " + PLAIN + " lacks CREATEDB, and each run builds the twin in a fresh"
              + " database (ALTER ROLE " + PLAIN + " CREATEDB)",
          "target: role " + PLAIN + " cannot rename or drop the twin database " + twin
              + ", which is owned by postgres (ALTER DATABASE " + twin + " OWNER TO " + PLAIN
              + ", or GRANT postgres TO " + PLAIN + ")",
          "target: role " + PLAIN + " cannot end other roles' sessions on the twin database"
              + " before the swap (GRANT pg_signal_backend TO " + PLAIN + ")"),
          AccessChecks.targetProblems(c, twin));
      try (Statement s = c.createStatement()) {
        SQLException e = assertThrows(SQLException.class,
            () -> s.execute("CREATE DATABASE veil_ac_never" + SUFFIX));
        assertEquals("42501", e.getSQLState(), e.getMessage());
      }
    }
  }

  @Test
  void targetRoleThatDoesNotOwnTheExistingTwinCannotSwapIt() throws Exception {
    String twin = databaseName(foreignTwin);
    try (Connection c = as(CREATOR, "postgres")) {
      List<String> problems = AccessChecks.targetProblems(c, twin);
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(problems.get(0).startsWith("target: role " + CREATOR
          + " cannot rename or drop the twin database " + twin + ", which is owned by postgres"),
          problems.toString());
      try (Statement s = c.createStatement()) {
        SQLException e = assertThrows(SQLException.class,
            () -> s.execute("ALTER DATABASE " + twin + " RENAME TO " + twin + "_old"));
        assertEquals("42501", e.getSQLState(), e.getMessage());
      }
      // the first run: no twin yet, nothing to rename
      assertEquals(List.of(), AccessChecks.targetProblems(c, "veil_ac_absent" + SUFFIX));
    }
  }

  @Test
  void targetRoleThatOwnsTheTwinAndHasCreatedbAndSignalRightsPasses() throws Exception {
    try (Connection c = as(OWNER, "postgres")) {
      assertEquals(List.of(), AccessChecks.targetProblems(c, databaseName(ownedTwin)));
    }
  }
}
