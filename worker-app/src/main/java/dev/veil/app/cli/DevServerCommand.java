package dev.veil.app.cli;

import dev.veil.app.VeilConfiguration;
import dev.veil.temporaldev.DevTemporalServer;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code dev-server [--port N] [--bind ADDRESS]}: runs the in-memory Temporal dev server in the
 * foreground until Ctrl-C, listening on loopback unless {@code --bind} says otherwise (whoever
 * reaches it can read every run's history). State is lost when it stops; see {@code
 * temporal-dev/README.md}.
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
    subparser
        .addArgument("--bind")
        .setDefault(DevTemporalServer.LOOPBACK)
        .help("address to listen on (default 127.0.0.1, this machine only; 0.0.0.0: every"
            + " interface, anyone on the network can read and change run histories)");
  }

  @Override
  protected boolean quiet() {
    return false;
  }

  @Override
  protected int execute(Namespace namespace, VeilConfiguration configuration)
      throws InterruptedException {
    int port = namespace.getInt("port");
    String bind = namespace.getString("bind");
    DevTemporalServer server;
    try {
      server = DevTemporalServer.start(bind, port, false);
    } catch (IllegalStateException e) {
      throw new ExitException(
          ExitException.FAILED,
          "veil dev-server: " + e.getMessage() + " (another dev server? try --port 0)");
    }
    out()
        .println(
            "Temporal dev server at "
                + server.address()
                + " (listening on "
                + server.host()
                + ") — in memory: state is lost when it stops; no Schedules, no visibility"
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
