package dev.veil.app.cli;

import dev.veil.app.VeilConfiguration;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * A command that only talks to Temporal (and reads pipeline specs): {@code status}, {@code
 * cancel}, {@code start}, {@code runs}. It receives {@link ClientSettings}, so that {@link
 * VeilCli} can run it without Dropwizard's bootstrap, logging setup and whole-file validation.
 */
public abstract class ClientCommand extends VeilCommand {

  protected ClientCommand(Console console, String name, String description) {
    super(console, name, description);
  }

  @Override
  protected final int execute(Namespace namespace, VeilConfiguration configuration)
      throws Exception {
    return execute(namespace, ClientSettings.of(configuration));
  }

  /** Runs the command; returns its exit code. */
  protected abstract int execute(Namespace namespace, ClientSettings settings) throws Exception;

  /**
   * Runs the command with settings read by {@link ClientSettings#read}, the configuration at the
   * {@code -c} location.
   */
  int runAsClient(Namespace namespace) throws Exception {
    ClientSettings settings = ClientSettings.read(namespace.getString("file"), getName());
    return execute(namespace, settings);
  }
}
