package dev.veil.app.cli;

import ch.qos.logback.classic.Level;
import dev.veil.activities.config.InvalidSpecException;
import dev.veil.app.VeilConfigurationSourceProvider;
import dev.veil.app.core.RunConflictException;
import dev.veil.app.core.TemporalUnavailableException;
import dev.veil.app.core.UnknownPipelineException;
import dev.veil.app.core.UnknownRunException;
import io.dropwizard.configuration.ConfigurationException;
import java.io.FileNotFoundException;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sourceforge.argparse4j.inf.Argument;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import net.sourceforge.argparse4j.inf.Subparser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every Veil command shares: the {@code -c/--config} option, quiet logs, one-line errors. */
public final class CommandSupport {

  private CommandSupport() {}

  /**
   * {@code -c/--config FILE} in place of Dropwizard's positional file: stored under {@code file},
   * which is where {@code ConfiguredCommand.run} reads it.
   */
  public static Argument addConfigArgument(Subparser subparser) {
    return subparser
        .addArgument("-c", "--config")
        .dest("file")
        .metavar("FILE")
        .setDefault(VeilConfigurationSourceProvider.defaultLocation())
        .help(
            "configuration file (default: $VEIL_CONFIG, else ./veil.yml, else the bundled"
                + " veil-default.yml)");
  }

  /**
   * Lowers logging to warnings for commands whose output is for a person, unless {@code
   * VEIL_LOG_LEVEL} asks otherwise.
   */
  public static void quietLogging() {
    String wanted = System.getenv("VEIL_LOG_LEVEL");
    if (wanted != null && !wanted.isBlank()) {
      return;
    }
    Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(Level.WARN);
    }
    // The SDK logs every failed activity attempt with its stack trace; the command reports the
    // outcome itself.
    Logger temporal = LoggerFactory.getLogger("io.temporal");
    if (temporal instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(Level.ERROR);
    }
  }

  /** Exit code for what a command threw. */
  public static int exitCode(Throwable e) {
    if (e instanceof ExitException exit) {
      return exit.code();
    }
    if (e instanceof ArgumentParserException
        || e instanceof ConfigurationException
        || e instanceof InvalidSpecException
        || e instanceof FileNotFoundException) {
      return ExitException.INVALID;
    }
    return ExitException.FAILED;
  }

  /**
   * Prints a failed command's error: one line for what a user can fix, the stack trace only for the
   * unexpected and only with {@code VEIL_DEBUG} set.
   */
  public static void reportError(PrintWriter err, String command, Throwable e) {
    if (e instanceof ExitException) {
      if (e.getMessage() != null) {
        err.println(e.getMessage());
      }
    } else if (e instanceof ConfigurationException) {
      err.println("veil " + command + ": " + e.getMessage().strip());
    } else if (isUserError(e)) {
      err.println("veil " + command + ": " + e.getMessage());
    } else if (bindFailure(e).isPresent()) {
      err.println("veil " + command + ": " + bindFailure(e).get()
          + ("server".equals(command)
              ? " (another process holds the port? server.applicationConnectors / VEIL_HTTP_PORT"
                  + " and server.adminConnectors / VEIL_ADMIN_PORT choose others)"
              : ""));
    } else if (Connections.connectionFailure(e).isPresent()) {
      err.println("veil " + command + ": cannot connect to a database: "
          + Connections.connectionFailure(e).get().getMessage());
    } else {
      err.println(
          "veil "
              + command
              + ": unexpected error: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + (debug() ? "" : " (set VEIL_DEBUG=1 for the stack trace)"));
      if (debug()) {
        e.printStackTrace(err);
      }
    }
    err.flush();
  }

  /**
   * "cannot listen on 127.0.0.1:8080: Address already in use" when a server could not bind its
   * port: the address from the message of the exception that wraps the {@link BindException}
   * (Jetty: "Failed to bind to /127.0.0.1:8080"), the reason from the operating system.
   */
  static Optional<String> bindFailure(Throwable e) {
    String address = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      Matcher bindTo = t.getMessage() == null ? null : BIND_TO.matcher(t.getMessage());
      if (address == null && bindTo != null && bindTo.find()) {
        address = bindTo.group(1);
      }
      if (t instanceof BindException bind) {
        String reason = bind.getMessage() == null ? "cannot bind" : bind.getMessage();
        return Optional.of(
            "cannot listen on " + (address == null ? "its port" : address) + ": " + reason);
      }
    }
    return Optional.empty();
  }

  private static final Pattern BIND_TO = Pattern.compile("(?i)bind to /?(\\S+)");

  private static boolean isUserError(Throwable e) {
    return e instanceof TemporalUnavailableException
        || e instanceof UnknownRunException
        || e instanceof UnknownPipelineException
        || e instanceof RunConflictException
        || e instanceof InvalidSpecException
        || e instanceof FileNotFoundException
        || e instanceof IllegalArgumentException;
  }

  private static boolean debug() {
    String debug = System.getenv("VEIL_DEBUG");
    return debug != null && !debug.isBlank() && !"0".equals(debug);
  }
}
