package dev.veil.app.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.veil.app.AdminGuard;
import dev.veil.app.core.AgentVersion;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The client commands ({@code status}, {@code cancel}, {@code start}, {@code runs}) run without
 * Dropwizard: no {@code Bootstrap} (which builds a validator factory, a metric registry and
 * Dropwizard's logging), no whole-configuration parsing and validation, no server factories; just
 * the argument parser, the sections of the configuration they use ({@link ClientSettings}) and a
 * Temporal client. This is what makes them start in a fraction of the time of {@code server}.
 */
public final class ClientCommands {

  private static final Set<String> NAMES = Set.of("status", "cancel", "start", "runs");

  private ClientCommands() {}

  /** Whether the command line is one of a client command. */
  public static boolean handles(String... arguments) {
    return arguments.length > 0 && NAMES.contains(arguments[0]);
  }

  /** Runs a client command line; returns its exit code. */
  public static int execute(PrintStream out, PrintStream err, String... arguments) {
    // a plain mapper: the JSON these commands print holds plain records, and Dropwizard's mapper
    // (modules, subtype discovery through service files) costs a noticeable part of the start
    Console console = new Console(out, err, new ObjectMapper());
    ClientCommand command =
        switch (arguments[0]) {
          case "status" -> new StatusCommand(console);
          case "cancel" -> new CancelCommand(console);
          case "start" -> new StartCommand(console);
          case "runs" -> new RunsCommand(console);
          default -> throw new IllegalArgumentException("not a client command: " + arguments[0]);
        };
    return new VeilCli(List.of(command), AgentVersion.get(), out, err)
        .run(
            (c, namespace) -> {
              logToStderr();
              int code = ((ClientCommand) c).runAsClient(namespace);
              if (code != ExitException.OK) {
                throw new ExitException(code, null);
              }
            },
            arguments);
  }

  /**
   * Logs on stderr, warnings and up ({@code VEIL_LOG_LEVEL} if set), the Temporal SDK's errors
   * only, credentials filtered: what Dropwizard's logging setup gives the other commands.
   */
  private static void logToStderr() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%-5level [%d{ISO8601,UTC}] %logger: %message%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("stderr");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    String wanted = System.getenv("VEIL_LOG_LEVEL");
    root.setLevel(
        wanted == null || wanted.isBlank() ? Level.WARN : Level.toLevel(wanted, Level.WARN));
    if (wanted == null || wanted.isBlank()) {
      context.getLogger("io.temporal").setLevel(Level.ERROR);
    }
    AdminGuard.installLogFilter();
  }
}
