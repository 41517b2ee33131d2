package dev.veil.app.cli;

import dev.veil.app.VeilConfiguration;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import java.io.PrintStream;
import net.sourceforge.argparse4j.inf.Argument;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * Base of Veil's own commands: configuration from {@code -c/--config} (or the defaults), output on
 * the application's stdout, a non-zero exit code with a one-line message on failure.
 */
public abstract class VeilCommand extends ConfiguredCommand<VeilConfiguration>
    implements VeilCli.ErrorReporting {

  protected final Console console;

  protected VeilCommand(Console console, String name, String description) {
    super(name, description);
    this.console = console;
  }

  @Override
  protected Class<VeilConfiguration> getConfigurationClass() {
    return VeilConfiguration.class;
  }

  @Override
  protected Argument addFileArgument(Subparser subparser) {
    return CommandSupport.addConfigArgument(subparser);
  }

  @Override
  protected final void run(
      Bootstrap<VeilConfiguration> bootstrap, Namespace namespace, VeilConfiguration configuration)
      throws Exception {
    if (quiet()) {
      CommandSupport.quietLogging();
    }
    int code = execute(namespace, configuration);
    if (code != ExitException.OK) {
      throw new ExitException(code, null);
    }
  }

  /** Runs the command; returns its exit code. */
  protected abstract int execute(Namespace namespace, VeilConfiguration configuration)
      throws Exception;

  /** Whether logs are lowered to warnings (output is for a person); long-running commands log. */
  protected boolean quiet() {
    return true;
  }

  protected PrintStream out() {
    return console.out();
  }

  @Override
  public void onError(Cli cli, Namespace namespace, Throwable e) {
    reportError(cli.getStdErr(), e);
  }

  @Override
  public void reportError(java.io.PrintWriter err, Throwable e) {
    CommandSupport.reportError(err, getName(), e);
  }
}
