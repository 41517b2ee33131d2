package dev.veil.app.cli;

import io.dropwizard.core.cli.Command;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import net.sourceforge.argparse4j.ArgumentParsers;
import net.sourceforge.argparse4j.helper.HelpScreenException;
import net.sourceforge.argparse4j.inf.Argument;
import net.sourceforge.argparse4j.inf.ArgumentAction;
import net.sourceforge.argparse4j.inf.ArgumentParser;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import net.sourceforge.argparse4j.inf.Subparsers;

/**
 * Veil's command line, in place of Dropwizard's {@code Cli}, with the same argparse4j parser and
 * commands but: the program is called {@code veil} (not {@code java -jar veil.jar}), a command's
 * help shows each default once (in its own words, not again as argparse4j's {@code (default: …)}),
 * {@code --version} prints the agent's version, and how a parsed command runs is the caller's
 * choice ({@link Runner}): through Dropwizard's bootstrap, or as a light client command.
 */
public final class VeilCli {

  /** Runs a parsed command. */
  @FunctionalInterface
  public interface Runner {
    void run(Command command, Namespace namespace) throws Exception;
  }

  /** A command that prints its own failure (one line, exit code from {@link CommandSupport}). */
  public interface ErrorReporting {
    void reportError(PrintWriter err, Throwable e);
  }

  public static final String PROGRAM = "veil";

  private final Map<String, Command> commands = new TreeMap<>();
  private final String version;
  private final PrintWriter out;
  private final PrintWriter err;
  private final ArgumentParser parser;

  public VeilCli(
      Collection<? extends Command> commands, String version, PrintStream out, PrintStream err) {
    commands.forEach(c -> this.commands.put(c.getName(), c));
    this.version = version;
    this.out = new PrintWriter(out, true);
    this.err = new PrintWriter(err, true);
    // no terminal width detection: argparse4j would run `stty` in a child process for it
    this.parser =
        ArgumentParsers.newFor(PROGRAM)
            .addHelp(false)
            .terminalWidthDetection(false)
            .defaultFormatWidth(100)
            .build();
    parser.addArgument("-h", "--help").action(new PrintAndStop(false)).help("show this help and exit");
    parser.addArgument("-v", "--version").action(new PrintAndStop(true))
        .help("show the version and exit");
    Subparsers subparsers = parser.addSubparsers().metavar("COMMAND").help("available commands");
    for (Command command : this.commands.values()) {
      Subparser subparser =
          subparsers.addParser(command.getName(), false).help(command.getDescription());
      command.configure(subparser);
      subparser.addArgument("-h", "--help").action(new PrintAndStop(false))
          .help("show this help message and exit");
      subparser.description(command.getDescription()).setDefault("command", command.getName());
      // each option's help says its default where it matters; argparse4j would repeat it
      subparser.defaultHelp(false);
    }
  }

  /** Runs a command line; returns its exit code. */
  public int run(Runner runner, String... arguments) {
    try {
      if (arguments.length == 0 || isFlag(arguments, "-h", "--help")) {
        printUsage();
        return ExitException.OK;
      }
      if (isFlag(arguments, "-v", "--version")) {
        out.println(version);
        return ExitException.OK;
      }
      Namespace namespace;
      try {
        namespace = parser.parseArgs(arguments);
      } catch (HelpScreenException e) {
        return ExitException.OK;
      } catch (ArgumentParserException e) {
        e.getParser().printUsage(err);
        err.println(PROGRAM + ": " + e.getMessage());
        return ExitException.INVALID;
      }
      Command command = commands.get(namespace.getString("command"));
      try {
        runner.run(command, namespace);
        return ExitException.OK;
      } catch (Throwable e) {
        if (command instanceof ErrorReporting reporting) {
          reporting.reportError(err, e);
        } else {
          CommandSupport.reportError(err, command.getName(), e);
        }
        return CommandSupport.exitCode(e);
      }
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** {@code veil} alone: the commands and where the configuration comes from. */
  public void printUsage() {
    out.println("usage: veil COMMAND [-c FILE] [options]      veil COMMAND -h shows its options");
    out.println();
    out.println("commands:");
    commands.values()
        .forEach(c -> out.printf(Locale.ROOT, "  %-15s %s%n", c.getName(), c.getDescription()));
    out.println();
    out.println(
        "configuration: -c FILE, else $VEIL_CONFIG, else ./veil.yml, else the bundled"
            + " veil-default.yml (${VEIL_*} environment variables fill it in)");
    out.println("veil --version prints the version");
    out.flush();
  }

  private static boolean isFlag(String[] arguments, String shortFlag, String longFlag) {
    return arguments.length == 1
        && (arguments[0].equals(shortFlag) || arguments[0].equals(longFlag));
  }

  /**
   * Prints the help of the parser it is attached to (or the version) on this CLI's output, then
   * stops parsing.
   */
  private final class PrintAndStop implements ArgumentAction {
    private final boolean version;

    PrintAndStop(boolean version) {
      this.version = version;
    }

    @Override
    public void run(
        ArgumentParser parser, Argument arg, Map<String, Object> attrs, String flag, Object value)
        throws ArgumentParserException {
      if (version) {
        out.println(VeilCli.this.version);
      } else {
        parser.printHelp(out);
      }
      out.flush();
      throw new HelpScreenException(parser);
    }

    @Override
    public void onAttach(Argument arg) {}

    @Override
    public boolean consumeArgument() {
      return false;
    }
  }
}
