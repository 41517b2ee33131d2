package dev.veil.activities.db;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns exceptions into messages fit for logs, Temporal history and the cloud API: the server's
 * primary message and SQLSTATE only, with any quoted literal removed, because PostgreSQL quotes
 * offending values ({@code invalid input syntax for type integer: "…"}).
 */
public final class SafeErrors {

  private SafeErrors() {}

  public static String describe(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
        ServerErrorMessage server = psql.getServerErrorMessage();
        return scrub(server.getMessage()) + " (SQLSTATE " + server.getSQLState() + ")";
      }
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return scrub(firstLine(sql.getMessage()))
            + (sql.getSQLState() == null ? "" : " (SQLSTATE " + sql.getSQLState() + ")");
      }
    }
    return error.getClass().getSimpleName() + ": " + scrub(firstLine(error.getMessage()));
  }

  /**
   * Whether retrying may help: connection trouble, lock timeouts, deadlocks, serialization
   * failures, server shutdown. Data, constraint and syntax errors are final.
   */
  public static boolean retryable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
            || state.startsWith("57") || state.startsWith("55") || state.startsWith("58");
      }
    }
    return true;
  }

  /** Removes {@code : "literal"} and {@code = (literal)} fragments that may hold data values. */
  static String scrub(String message) {
    if (message == null) {
      return "";
    }
    return message
        .replaceAll(":\\s*\"(?:[^\"]|\"\")*\"\\s*$", "")
        .replaceAll("=\\(.*\\)", "=(…)");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
