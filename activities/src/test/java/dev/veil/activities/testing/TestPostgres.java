package dev.veil.activities.testing;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.demo.DemoPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests: {@code VEIL_TEST_PG_URL} (an admin JDBC URL such as
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}) or, when unset, the local
 * server on 127.0.0.1:5432, or, when nothing listens there, one embedded server per JVM
 * ({@link DemoPostgres#startEmbedded()}, started on first use, stopped by its shutdown hook).
 * {@code -Dveil.test.pg=embedded} forces the embedded server. Every test class gets fresh
 * databases from {@link #createDatabase}.
 */
public final class TestPostgres {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
  private static Boolean localReachable;
  private static DemoPostgres embedded;

  private TestPostgres() {}

  /** The admin JDBC URL of the test server; starts the embedded server if that is the one. */
  public static String adminUrl() {
    String url = System.getenv("VEIL_TEST_PG_URL");
    if (url != null && !url.isBlank()) {
      return url;
    }
    boolean forceEmbedded = "embedded".equals(System.getProperty("veil.test.pg"));
    return !forceEmbedded && localReachable() ? DEFAULT_URL : embedded().jdbcUrl("postgres");
  }

  private static synchronized boolean localReachable() {
    if (localReachable == null) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", 5432), 2_000);
        localReachable = true;
      } catch (IOException e) {
        localReachable = false;
      }
    }
    return localReachable;
  }

  private static synchronized DemoPostgres embedded() {
    if (embedded == null) {
      embedded = DemoPostgres.startEmbedded();
    }
    return embedded;
  }

  public static Connection admin() throws SQLException {
    return DriverManager.getConnection(adminUrl());
  }

  /** Creates a new empty database and returns settings that reach it. */
  public static ConnectionSettings createDatabase(String prefix) {
    String name =
        (prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet())
            .toLowerCase()
            .replaceAll("[^a-z0-9_]", "_");
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return new ConnectionSettings(urlFor(name), userOf(adminUrl()), null, Map.of());
  }

  /** Drops a database made by {@link #createDatabase}, even with sessions still open. */
  public static void dropDatabase(ConnectionSettings settings) {
    String url = settings.url();
    String name = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name, e);
    }
  }

  /**
   * Drops {@code twin} and every database Veil made around it ({@code <twin>__veil_…}: build
   * databases, replaced and previous twins).
   */
  public static void dropDatabases(String twin) throws SQLException {
    List<String> names = new java.util.ArrayList<>(databasesLike(twin + "\\_\\_veil\\_%"));
    names.add(twin);
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      for (String name : names) {
        s.execute("DROP DATABASE IF EXISTS \"" + name.replace("\"", "\"\"") + "\" WITH (FORCE)");
      }
    }
  }

  /**
   * Veil's databases around {@code twin} ({@code <twin>__veil_…}) once replaced twins are dropped:
   * a run hands its replaced twin to a background drop and succeeds without waiting for it, so this
   * waits (up to a minute) while any replaced or retired twin ({@code __veil_o…}, {@code
   * __veil_r…}) is still there. Build databases are returned at once: none may outlive its run.
   */
  public static List<String> databasesAroundSettled(String twin) throws SQLException {
    long deadline = System.nanoTime() + java.time.Duration.ofMinutes(1).toNanos();
    while (true) {
      List<String> names = databasesLike(twin + "\\_\\_veil\\_%");
      boolean dropping = names.stream()
          .anyMatch(n -> n.startsWith(twin + "__veil_o") || n.startsWith(twin + "__veil_r"));
      if (!dropping || System.nanoTime() > deadline) {
        return names;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return names;
      }
    }
  }

  /** Names of the test server's databases matching a {@code LIKE} pattern. */
  public static List<String> databasesLike(String pattern) throws SQLException {
    List<String> out = new java.util.ArrayList<>();
    try (Connection c = admin();
        java.sql.PreparedStatement ps =
            c.prepareStatement("SELECT datname FROM pg_database WHERE datname LIKE ? ORDER BY 1")) {
      ps.setString(1, pattern);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  public static Connection connect(ConnectionSettings settings) throws SQLException {
    return dev.veil.activities.db.ConnectionRegistry.open(settings, "veil-test");
  }

  /** The admin URL with its database replaced and its query string dropped. */
  static String urlFor(String database) {
    String base = adminUrl().replaceAll("\\?.*", "");
    return base.substring(0, base.lastIndexOf('/') + 1) + database;
  }

  static String userOf(String url) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[?&]user=([^&]+)").matcher(url);
    return m.find() ? m.group(1) : System.getProperty("user.name");
  }
}
