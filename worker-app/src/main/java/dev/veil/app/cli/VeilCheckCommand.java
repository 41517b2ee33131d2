package dev.veil.app.cli;

import dev.veil.app.VeilApplication;
import dev.veil.app.VeilConfiguration;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import net.sourceforge.argparse4j.inf.Argument;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code check}: parses and validates the configuration, with {@code -c}. */
public class VeilCheckCommand extends CheckCommand<VeilConfiguration> {

  public VeilCheckCommand(VeilApplication app) {
    super(app);
  }

  @Override
  protected Argument addFileArgument(Subparser subparser) {
    return CommandSupport.addConfigArgument(subparser);
  }

  @Override
  public void onError(Cli cli, Namespace namespace, Throwable e) {
    CommandSupport.reportError(cli, getName(), e);
  }
}
