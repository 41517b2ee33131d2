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
 * seconds. Messages name the connection only: never its URL, host, user or password (the admin
 * port may be reachable by more people than the configuration is).
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
      return Result.healthy("connection " + name + " answers");
    } catch (SQLException | RuntimeException e) {
      return Result.unhealthy("connection " + name + ": " + scrub(SafeErrors.describe(e)));
    }
  }

  private String scrub(String message) {
    String password = settings.password();
    return password == null || password.isEmpty() ? message : message.replace(password, "***");
  }
}
