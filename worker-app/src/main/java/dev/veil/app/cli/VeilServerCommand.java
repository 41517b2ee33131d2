package dev.veil.app.cli;

import dev.veil.app.VeilConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Environment;
import net.sourceforge.argparse4j.inf.Argument;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code server}: Dropwizard's server command (worker + REST API + health) with {@code -c}. */
public class VeilServerCommand extends ServerCommand<VeilConfiguration>
    implements VeilCli.ErrorReporting {

  private final Shutdown shutdown;

  public VeilServerCommand(Application<VeilConfiguration> application, Shutdown shutdown) {
    super(application, "server", "Runs the worker, the REST API and the health checks");
    this.shutdown = shutdown;
  }

  @Override
  protected Argument addFileArgument(Subparser subparser) {
    return CommandSupport.addConfigArgument(subparser);
  }

  @Override
  protected void run(Environment environment, Namespace namespace, VeilConfiguration configuration)
      throws Exception {
    super.run(environment, namespace, configuration);
    shutdown.markServing();
  }

  @Override
  public void onError(Cli cli, Namespace namespace, Throwable e) {
    reportError(cli.getStdErr(), e);
  }

  @Override
  public void reportError(java.io.PrintWriter err, Throwable e) {
    CommandSupport.reportError(err, getName(), rootCauseIfLifecycle(e));
  }

  /** Jetty wraps a Managed's start failure; the cause says what is wrong. */
  private static Throwable rootCauseIfLifecycle(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null
        && t.getCause() != t
        && !(t instanceof dev.veil.app.core.TemporalUnavailableException)) {
      t = t.getCause();
    }
    return t instanceof dev.veil.app.core.TemporalUnavailableException ? t : e;
  }
}
