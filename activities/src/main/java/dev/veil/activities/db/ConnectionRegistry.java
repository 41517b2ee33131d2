package dev.veil.activities.db;

import dev.veil.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Resolves connection names from specs to real connections. Every connection it opens hides
 * server error details (which can carry row values) from exception messages.
 */
public final class ConnectionRegistry {

  private final Map<String, ConnectionSettings> connections;

  public ConnectionRegistry(Map<String, ConnectionSettings> connections) {
    this.connections = new TreeMap<>(connections);
  }

  public Set<String> names() {
    return connections.keySet();
  }

  public boolean has(String name) {
    return connections.containsKey(name);
  }

  /** The settings of a connection; {@code UnknownConnection} (non-retryable) if not configured. */
  public ConnectionSettings settings(String name) {
    ConnectionSettings settings = connections.get(name);
    if (settings == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "connection '" + name + "' is not configured on this agent (configured: "
              + String.join(", ", connections.keySet()) + ")",
          FailureTypes.UNKNOWN_CONNECTION);
    }
    return settings;
  }

  /** Opens a new connection; the caller closes it. */
  public Connection open(String name) throws SQLException {
    return open(settings(name), "veil");
  }

  /** Opens a new connection with an {@code application_name} shown in {@code pg_stat_activity}. */
  public Connection open(String name, String applicationName) throws SQLException {
    return open(settings(name), applicationName);
  }

  /** Opens a connection to another database on the server of connection {@code name}. */
  public Connection open(String name, String applicationName, String database)
      throws SQLException {
    return open(settings(name).withDatabase(database), applicationName);
  }

  public static Connection open(ConnectionSettings settings, String applicationName)
      throws SQLException {
    Properties props = new Properties();
    props.putAll(settings.properties());
    if (settings.user() != null) {
      props.setProperty("user", settings.user());
    }
    if (settings.password() != null && !settings.password().isEmpty()) {
      props.setProperty("password", settings.password());
    }
    // Server error details and context can quote row values: keep them out of messages.
    props.setProperty("logServerErrorDetail", "false");
    props.putIfAbsent("ApplicationName", applicationName);
    props.putIfAbsent("connectTimeout", "10");
    props.putIfAbsent("tcpKeepAlive", "true");
    return DriverManager.getConnection(settings.url(), props);
  }
}
