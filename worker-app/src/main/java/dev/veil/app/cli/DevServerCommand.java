package dev.veil.app.cli;

import dev.veil.app.VeilConfiguration;
import dev.veil.temporaldev.DevTemporalServer;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code dev-server [--port N]}: runs the in-memory Temporal dev server in the foreground until
 * Ctrl-C. State is lost when it stops; see {@code temporal-dev/README.md}.
 */
public class DevServerCommand extends VeilCommand {

  private final Shutdown shutdown;

  public DevServerCommand(Console console, Shutdown shutdown) {
    super(console, "dev-server", "Runs an in-memory Temporal dev server in the foreground");
    this.shutdown = shutdown;
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser
        .addArgument("-p", "--port")
        .type(Integer.class)
        .setDefault(DevTemporalServer.DEFAULT_PORT)
        .help("port to listen on (default 7233; 0 picks a free one)");
  }

  @Override
  protected boolean quiet() {
    return false;
  }

  @Override
  protected int execute(Namespace namespace, VeilConfiguration configuration)
      throws InterruptedException {
    int port = namespace.getInt("port");
    DevTemporalServer server;
    try {
      server = DevTemporalServer.start(port);
    } catch (IllegalStateException e) {
      throw new ExitException(
          ExitException.FAILED,
          "veil dev-server: " + e.getMessage() + " (another dev server? try --port 0)");
    }
    out()
        .println(
            "Temporal dev server at "
                + server.address()
                + " — in memory: state is lost when it stops; no Schedules, no visibility"
                + " queries.");
    out()
        .println(
            "Workers: VEIL_TEMPORAL_ADDRESS="
                + server.address()
                + " VEIL_TEMPORAL_DEV_SERVER=true ./veil server     Ctrl-C stops the dev server.");
    out().flush();
    shutdown.await(server::close);
    return ExitException.OK;
  }
}
