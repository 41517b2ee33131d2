package dev.veil.app.health;

import com.codahale.metrics.health.HealthCheck;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.db.SafeErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code postgres:<name>}: a configured connection opens and answers {@code select 1} within a few
 * seconds. Messages name the connection and its host, never its password or URL parameters.
 */
public class PostgresHealthCheck extends HealthCheck {

  private static final String CONNECT_TIMEOUT_SECONDS = "3";
  private static final String SOCKET_TIMEOUT_SECONDS = "5";

  private final String name;
  private final ConnectionSettings settings;

  public PostgresHealthCheck(String name, ConnectionSettings settings) {
    this.name = name;
    Map<String, String> properties = new HashMap<>(settings.properties());
    properties.put("connectTimeout", CONNECT_TIMEOUT_SECONDS);
    properties.put("socketTimeout", SOCKET_TIMEOUT_SECONDS);
    properties.put("loginTimeout", CONNECT_TIMEOUT_SECONDS);
    this.settings =
        new ConnectionSettings(settings.url(), settings.user(), settings.password(), properties);
  }

  @Override
  protected Result check() {
    try (Connection connection = ConnectionRegistry.open(settings, "veil-health");
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(Integer.parseInt(SOCKET_TIMEOUT_SECONDS));
      try (ResultSet rs = statement.executeQuery("select 1")) {
        rs.next();
      }
      return Result.healthy("connection " + name + " at " + where());
    } catch (SQLException | RuntimeException e) {
      return Result.unhealthy(
          "connection " + name + " at " + where() + ": " + scrub(SafeErrors.describe(e)));
    }
  }

  /** The URL without its query string, which may carry credentials. */
  private String where() {
    String url = settings.url() == null ? "" : settings.url();
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  private String scrub(String message) {
    String password = settings.password();
    return password == null || password.isEmpty() ? message : message.replace(password, "***");
  }
}
