package dev.veil.app.cli;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.app.VeilConfiguration;
import dev.veil.app.VeilWorkerFactory;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.VeilWorker;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code worker}: polls the {@code veil} and {@code veil-tasks} task queues and runs workflows and
 * table tasks (with {@code --tasks-only}: table tasks only), without HTTP. Fails at once with a clear message when Temporal cannot be reached; stops gracefully on
 * SIGTERM / Ctrl-C.
 */
public class WorkerCommand extends VeilCommand {

  private final Shutdown shutdown;

  public WorkerCommand(Console console, Shutdown shutdown) {
    super(console, "worker", "Runs a worker only (no REST API)");
    this.shutdown = shutdown;
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser
        .addArgument("--tasks-only")
        .dest("tasksOnly")
        .action(Arguments.storeTrue())
        .help("poll only the veil-tasks queue: copy table chunks, run no workflows (worker.role)");
  }

  @Override
  protected boolean quiet() {
    return false;
  }

  @Override
  protected int execute(Namespace namespace, VeilConfiguration configuration)
      throws InterruptedException {
    TemporalClients clients = configuration.getTemporal().build();
    ConnectionRegistry connections = configuration.connectionRegistry();
    if (namespace.getBoolean("tasksOnly")) {
      configuration.getWorker().setRole(VeilWorkerFactory.ROLE_TASKS);
    }
    VeilWorker worker =
        configuration
            .getWorker()
            .build(
                clients,
                configuration.getTemporal().isDevServer(),
                configuration.pipelineSource(),
                connections,
                configuration
                    .getExecutor()
                    .build(connections, configuration.getMasking().build().orElse(null),
                        configuration.deliveryStorageRegistry()),
                configuration
                    .getCloud()
                    .reporting(configuration.getCloud().build(), configuration.secrets()),
                configuration.getMasking(),
                configuration.getPostgres().getBinDir(),
                configuration.deliveryStorageRegistry());
    try {
      worker.start();
    } catch (RuntimeException e) {
      clients.close();
      throw e;
    }
    shutdown.await(
        () -> {
          worker.close();
          clients.close();
        });
    return ExitException.OK;
  }
}
