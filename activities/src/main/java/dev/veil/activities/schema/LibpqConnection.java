package dev.veil.activities.schema;

import dev.veil.activities.db.ConnectionSettings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The libpq form of a pgjdbc connection: a keyword/value connection string for {@code --dbname}
 * (host, port, dbname, user, TLS and session options; never the password) and the environment
 * the tool runs with ({@code PGPASSWORD}, the only place the password goes: a child's environment
 * is readable by its own user only, its argv by everyone).
 *
 * <p>pgjdbc properties that libpq understands are translated (see {@link #PROPERTY_KEYWORDS});
 * others (pgjdbc-only tuning) are left out. {@code ssl=true} without {@code sslmode} means {@code
 * verify-full}, as in pgjdbc. Not supported: {@code sslpassword} (libpq takes it only in the
 * connection string, i.e. in argv) and DER ({@code .pk8}) client keys, which libpq cannot read; use
 * an unencrypted PEM key for pg_dump.
 */
final class LibpqConnection {

  /** pgjdbc property → libpq keyword. */
  static final Map<String, String> PROPERTY_KEYWORDS =
      Map.ofEntries(
          Map.entry("sslmode", "sslmode"),
          Map.entry("sslrootcert", "sslrootcert"),
          Map.entry("sslcert", "sslcert"),
          Map.entry("sslkey", "sslkey"),
          Map.entry("sslcrl", "sslcrl"),
          Map.entry("connectTimeout", "connect_timeout"),
          Map.entry("ApplicationName", "application_name"),
          Map.entry("options", "options"),
          Map.entry("gssEncMode", "gssencmode"),
          Map.entry("channelBinding", "channel_binding"),
          Map.entry("sslNegotiation", "sslnegotiation"),
          Map.entry("targetServerType", "target_session_attrs"));

  /** pgjdbc targetServerType → libpq target_session_attrs (PostgreSQL 14+ clients). */
  private static final Map<String, String> TARGET_SERVER_TYPES =
      Map.of(
          "any", "any",
          "primary", "primary",
          "master", "primary",
          "secondary", "standby",
          "slave", "standby",
          "preferSecondary", "prefer-standby",
          "preferSlave", "prefer-standby",
          "preferPrimary", "any");

  private final String connectionString;
  private final String password;
  private final Map<String, String> settings;

  private LibpqConnection(String connectionString, String password, Map<String, String> settings) {
    this.connectionString = connectionString;
    this.password = password;
    this.settings = settings;
  }

  /**
   * The same connection with server settings for its sessions ({@code PGOPTIONS="-c k=v …"}): a
   * default that an {@code options} parameter of the connection overrides. Names and values are
   * Veil's own (never user input); they must be plain words.
   */
  LibpqConnection withSettings(Map<String, String> settingsOrNull) {
    if (settingsOrNull == null || settingsOrNull.isEmpty()) {
      return this;
    }
    for (Map.Entry<String, String> e : settingsOrNull.entrySet()) {
      if (!e.getKey().matches("[a-z_.]+") || !e.getValue().matches("[A-Za-z0-9_.]+")) {
        throw new IllegalArgumentException("not a plain server setting: " + e.getKey());
      }
    }
    return new LibpqConnection(connectionString, password, Map.copyOf(settingsOrNull));
  }

  /**
   * @param settings the pgjdbc connection
   * @param databaseOrNull a database on the same server to connect to instead of the URL's one
   * @param applicationName {@code application_name} unless the settings name one
   */
  static LibpqConnection of(
      ConnectionSettings settings, String databaseOrNull, String applicationName) {
    String url = settings.url();
    String prefix = "jdbc:postgresql:";
    if (url == null || !url.startsWith(prefix)) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
    }
    String rest = url.substring(prefix.length());
    int q = rest.indexOf('?');
    String query = q < 0 ? "" : rest.substring(q + 1);
    String path = q < 0 ? rest : rest.substring(0, q);

    // pgjdbc: URL parameters override the connection properties
    Map<String, String> props = new LinkedHashMap<>(settings.properties());
    for (String pair : query.split("&")) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        props.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }

    List<String> hosts = new ArrayList<>();
    List<String> ports = new ArrayList<>();
    String database;
    if (path.startsWith("//")) {
      String authority = path.substring(2);
      int slash = authority.indexOf('/');
      database = slash < 0 ? "" : decode(authority.substring(slash + 1));
      authority = slash < 0 ? authority : authority.substring(0, slash);
      for (String hostPort : authority.split(",")) {
        splitHostPort(hostPort, hosts, ports);
      }
    } else {
      database = decode(path.startsWith("/") ? path.substring(1) : path);
    }
    if (hosts.isEmpty()) {
      hosts.add("localhost");
      ports.add("5432");
    }

    Map<String, String> keywords = new LinkedHashMap<>();
    keywords.put("host", String.join(",", hosts));
    keywords.put("port", String.join(",", ports));
    keywords.put("dbname", databaseOrNull != null ? databaseOrNull : database);
    String user = settings.user() != null ? settings.user() : props.get("user");
    if (user != null && !user.isEmpty()) {
      keywords.put("user", user);
    }
    for (Map.Entry<String, String> p : props.entrySet()) {
      String keyword = PROPERTY_KEYWORDS.get(p.getKey());
      if (keyword == null || p.getValue() == null || p.getValue().isEmpty()) {
        continue;
      }
      String value = p.getValue();
      if ("target_session_attrs".equals(keyword)) {
        value = TARGET_SERVER_TYPES.getOrDefault(value, "any");
      }
      keywords.put(keyword, value);
    }
    if (!keywords.containsKey("sslmode") && "true".equalsIgnoreCase(props.get("ssl"))) {
      keywords.put("sslmode", "verify-full");
    }
    keywords.putIfAbsent("application_name", applicationName);

    StringBuilder conninfo = new StringBuilder();
    keywords.forEach(
        (k, v) -> {
          if (conninfo.length() > 0) {
            conninfo.append(' ');
          }
          conninfo.append(k).append("='").append(v.replace("\\", "\\\\").replace("'", "\\'"))
              .append('\'');
        });
    String password = settings.password() != null && !settings.password().isEmpty()
        ? settings.password()
        : props.get("password");
    return new LibpqConnection(conninfo.toString(), password, Map.of());
  }

  /** The {@code --dbname} value: a libpq connection string without the password. */
  String connectionString() {
    return connectionString;
  }

  /** The password, for scrubbing; may be null. */
  String password() {
    return password;
  }

  /**
   * Puts the password into a child's environment and takes out inherited libpq variables
   * ({@code PGSERVICE}, {@code PGOPTIONS}, …) so that the child connects exactly as configured.
   */
  void applyTo(Map<String, String> environment) {
    environment.keySet().removeIf(k -> k.startsWith("PG"));
    if (password != null && !password.isEmpty()) {
      environment.put("PGPASSWORD", password);
    }
    if (!settings.isEmpty()) {
      StringBuilder options = new StringBuilder();
      new java.util.TreeMap<>(settings).forEach((k, v) ->
          options.append(options.length() == 0 ? "" : " ").append("-c ").append(k).append('=')
              .append(v));
      environment.put("PGOPTIONS", options.toString());
    }
  }

  private static void splitHostPort(String hostPort, List<String> hosts, List<String> ports) {
    String host;
    String port = "5432";
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      host = hostPort.substring(1, close);
      if (hostPort.length() > close + 2 && hostPort.charAt(close + 1) == ':') {
        port = hostPort.substring(close + 2);
      }
    } else {
      int colon = hostPort.lastIndexOf(':');
      host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      port = colon < 0 ? port : hostPort.substring(colon + 1);
    }
    hosts.add(host.isEmpty() ? "localhost" : host);
    ports.add(port.isEmpty() ? "5432" : port);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
