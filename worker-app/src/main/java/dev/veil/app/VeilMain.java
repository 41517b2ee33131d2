package dev.veil.app;

import dev.veil.app.cli.ClientCommands;
import java.io.PrintStream;

/**
 * The {@code veil} entry point. Client commands ({@code status}, {@code cancel}, {@code start},
 * {@code runs}) are dispatched before anything of Dropwizard is built ({@link ClientCommands});
 * every other command runs through {@link VeilApplication}.
 */
public final class VeilMain {

  private VeilMain() {}

  public static void main(String[] args) throws Exception {
    if (ClientCommands.handles(args)) {
      System.exit(ClientCommands.execute(System.out, System.err, args));
    }
    VeilApplication.main(args);
  }

  /** Runs a command line as {@code main} does, but returns its exit code (the CLI tests). */
  public static int execute(PrintStream stdout, PrintStream stderr, String... args) {
    if (ClientCommands.handles(args)) {
      return ClientCommands.execute(stdout, stderr, args);
    }
    return new VeilApplication().execute(stdout, stderr, args);
  }
}
