package dev.veil.app.cli;

import dev.veil.activities.db.ConnectionRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Opening a configured connection from a command: a wrong password, host, port or database is
 * that connection's problem, told with the driver's reason ({@code veil scan: cannot connect to
 * connection 'shop-source': FATAL: password authentication failed for user "app"}), not an
 * unexpected error. The driver's messages name the user, host and port, never the password.
 */
public final class Connections {

  private Connections() {}

  /** Opens connection {@code name}; the caller closes it. */
  public static Connection open(
      ConnectionRegistry connections, String name, String applicationName, String command) {
    try {
      return connections.open(name, applicationName);
    } catch (SQLException e) {
      throw cannotConnect(command, name, e);
    }
  }

  /** Checks that connection {@code name} can be opened. */
  public static void requireReachable(ConnectionRegistry connections, String name, String command) {
    try (Connection c = open(connections, name, "veil", command)) {
      c.isValid(1);
    } catch (SQLException e) {
      throw cannotConnect(command, name, e);
    }
  }

  /** The exit of a command that could not open connection {@code name}. */
  public static ExitException cannotConnect(String command, String name, SQLException e) {
    return new ExitException(
        ExitException.FAILED,
        "veil " + command + ": cannot connect to connection '" + name + "': " + reason(e));
  }

  /**
   * Whether a failure is one of reaching or logging in to a database (SQLSTATE classes 08
   * connection exception, 28 invalid authorization, 3D000 no such database), wherever it is in
   * the cause chain.
   */
  public static Optional<SQLException> connectionFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("28")
              || sql.getSQLState().equals("3D000"))) {
        return Optional.of(sql);
      }
    }
    return Optional.empty();
  }

  private static String reason(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
