package dev.veil.activities.db;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns exceptions into messages fit for logs, Temporal history, the REST API and the cloud API.
 *
 * <p>PostgreSQL puts values into its messages ({@code invalid input syntax for type integer:
 * "<a value of the row>"}, {@code unrecognized configuration parameter "<anything a function
 * returned>"}), and a filter can make it quote any value it can read. So a database error is
 * reported as the SQLSTATE plus the server's message <em>only</em> when that message has one of
 * the {@linkplain #TEMPLATES known shapes} that carry no data (rebuilt from the template, keeping
 * only catalog names where the template has them), else the SQLSTATE's class name. Details, hints,
 * contexts and positions are never used. Driver messages are treated alike.
 */
public final class SafeErrors {

  /** A catalog name in a message: the constraint, table or column Veil's own SQL names. */
  private static final String NAME = "[A-Za-z_][A-Za-z0-9_$]{0,62}(?:\\.[A-Za-z_][A-Za-z0-9_$]{0,62})?";
  /** A built-in type name as the server spells it ({@code character varying(20)}). */
  private static final String TYPE = "[a-z][a-z0-9 _]{0,40}(?:\\([0-9, ]{1,12}\\))?(?:\\[\\])?";

  /** Server and driver message shapes that carry no data, and how to say them. */
  private static final List<Template> TEMPLATES =
      List.of(
          keep("duplicate key value violates unique constraint \"" + NAME + "\""),
          keep("null value in column \"" + NAME + "\" of relation \"" + NAME
              + "\" violates not-null constraint"),
          keep("new row for relation \"" + NAME + "\" violates check constraint \"" + NAME + "\""),
          keep("insert or update on table \"" + NAME + "\" violates foreign key constraint \""
              + NAME + "\""),
          keep("update or delete on table \"" + NAME + "\" violates foreign key constraint \""
              + NAME + "\" on table \"" + NAME + "\""),
          keep("column \"" + NAME + "\" does not exist"),
          keep("column \"" + NAME + "\" of relation \"" + NAME + "\" does not exist"),
          keep("relation \"" + NAME + "\" already exists"),
          keep("schema \"" + NAME + "\" already exists"),
          keep("permission denied for (?:table|schema|sequence|database|relation|view) " + NAME),
          keep("permission denied to create database"),
          keep("must be owner of (?:table|schema|database|sequence|view) " + NAME),
          keep("value too long for type " + TYPE),
          keep("division by zero"),
          keep("(?:smallint|integer|bigint) out of range"),
          keep("numeric field overflow"),
          keep("deadlock detected"),
          keep("out of memory"),
          keep("canceling statement due to (?:statement timeout|user request|lock timeout"
              + "|conflict with recovery)"),
          keep("canceling autovacuum task"),
          keep("terminating connection due to (?:administrator command|idle-in-transaction timeout"
              + "|idle-session timeout|conflict with recovery)"),
          keep("the database system is (?:starting up|shutting down|in recovery mode"
              + "|not yet accepting connections)"),
          keep("sorry, too many clients already"),
          keep("remaining connection slots are reserved for [a-z \"_-]+"),
          keep("could not serialize access due to (?:concurrent update|concurrent delete"
              + "|read/write dependencies among transactions)"),
          keep("cannot execute [A-Z ]{1,40} in a read-only transaction"),
          keep("current transaction is aborted, commands ignored until end of transaction block"),
          keep("syntax error at end of input"),
          keep("(?:The connection attempt failed\\.|This connection has been closed\\."
              + "|An I/O error occurred while sending to the backend\\.)"),
          say("invalid input syntax for type (" + TYPE + ")(?:: .*)?", "invalid input syntax for type $1"),
          say("invalid input value for enum (" + NAME + "): .*", "invalid input value for enum $1"),
          say("malformed array literal: .*", "malformed array literal"),
          say("malformed record literal: .*", "malformed record literal"),
          say("date/time field value out of range: .*", "date/time field value out of range"),
          say("(?:invalid value|invalid input) .* for \"[A-Za-z]+\"", "invalid date/time format input"),
          say("syntax error at or near .*", "syntax error"),
          say("relation \".*\" does not exist", "a relation does not exist"),
          say("schema \".*\" does not exist", "a schema does not exist"),
          say("database \".*\" does not exist", "the database does not exist"),
          say("role \".*\" does not exist", "a role does not exist"),
          say("(?:function|operator|type) .* does not exist(?:: .*)?", "a function, operator or type does not exist"),
          say("password authentication failed for user .*", "password authentication failed"),
          say("unrecognized configuration parameter .*", "unrecognized configuration parameter"),
          say("could not obtain lock on (relation|row in relation) .*", "could not obtain lock on $1"),
          say("Connection to .* refused\\..*", "connection refused (check host and port)"),
          say("The server requested (?:SCRAM-based |password-based )?authentication, but no password was provided\\.",
              "the server asks for a password and none is configured"));

  /** SQLSTATE classes (the first two characters), for messages of no known shape. */
  private static final Map<String, String> CLASSES =
      Map.ofEntries(
          Map.entry("08", "connection exception"),
          Map.entry("0A", "feature not supported"),
          Map.entry("21", "cardinality violation"),
          Map.entry("22", "data exception"),
          Map.entry("23", "integrity constraint violation"),
          Map.entry("25", "invalid transaction state"),
          Map.entry("28", "invalid authorization"),
          Map.entry("2B", "dependent objects still exist"),
          Map.entry("34", "invalid cursor name"),
          Map.entry("3D", "invalid catalog name"),
          Map.entry("3F", "invalid schema name"),
          Map.entry("40", "transaction rollback"),
          Map.entry("42", "syntax error or access rule violation"),
          Map.entry("53", "insufficient resources"),
          Map.entry("54", "program limit exceeded"),
          Map.entry("55", "object not in prerequisite state"),
          Map.entry("57", "operator intervention"),
          Map.entry("58", "system error"),
          Map.entry("F0", "configuration file error"),
          Map.entry("P0", "PL/pgSQL error"),
          Map.entry("XX", "internal error"));

  private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"]|\"\")*\"");
  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

  private SafeErrors() {}

  /**
   * A message safe to leave the agent: {@code <safe text> (SQLSTATE xxxxx)} for database errors,
   * {@code <Type>: <message>} for Veil's own exceptions (with anything in double quotes and any
   * e-mail address removed, in case the message embeds text from elsewhere).
   */
  public static String describe(Throwable error) {
    if (error == null) {
      return "unknown error";
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
        ServerErrorMessage server = psql.getServerErrorMessage();
        return database(server.getMessage(), server.getSQLState());
      }
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return database(firstLine(sql.getMessage()), sql.getSQLState());
      }
    }
    return error.getClass().getSimpleName() + ": " + scrub(firstLine(error.getMessage()));
  }

  /** The server's message if it has a known data-free shape, else the SQLSTATE's class name. */
  static String database(String message, String state) {
    String text = known(message).orElseGet(() -> className(state));
    return state == null || state.isEmpty() ? text : text + " (SQLSTATE " + state + ")";
  }

  static Optional<String> known(String message) {
    if (message == null) {
      return Optional.empty();
    }
    String line = firstLine(message).strip();
    for (Template template : TEMPLATES) {
      Matcher m = template.shape.matcher(line);
      if (m.matches()) {
        return Optional.of(template.say == null ? line : m.replaceFirst(template.say));
      }
    }
    return Optional.empty();
  }

  private static String className(String state) {
    if (state == null || state.length() < 2) {
      return "database error";
    }
    return CLASSES.getOrDefault(state.substring(0, 2), "database error");
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

  /** Removes double-quoted text, {@code =(…)} details and e-mail addresses from a message. */
  static String scrub(String message) {
    if (message == null) {
      return "";
    }
    String result = QUOTED.matcher(message).replaceAll("\"…\"");
    result = result.replaceAll("=\\(.*\\)", "=(…)");
    return EMAIL.matcher(result).replaceAll("…");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private record Template(Pattern shape, String say) {}

  private static Template keep(String regex) {
    return new Template(Pattern.compile(regex), null);
  }

  private static Template say(String regex, String replacement) {
    return new Template(Pattern.compile(regex), replacement);
  }
}
