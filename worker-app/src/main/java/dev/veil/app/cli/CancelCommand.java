package dev.veil.app.cli;

import dev.veil.app.core.RunCanceller;
import dev.veil.app.core.RunStatusReader;
import dev.veil.app.core.TemporalClients;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code cancel <runId> [--reason R] [--native]}: asks a run to stop. Running tasks are cancelled,
 * staging is dropped and the target keeps its previous twin. Returns once Temporal has the request;
 * {@code veil status --follow} shows the run wind down.
 */
public class CancelCommand extends ClientCommand {

  public CancelCommand(Console console) {
    super(console, "cancel", "Cancels a run (the target keeps its previous twin)");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("runId").metavar("RUN_ID").help("the run to cancel");
    subparser.addArgument("--reason").metavar("R").help("why, shown in the run's summary");
    subparser
        .addArgument("--native")
        .dest("nativeCancel")
        .action(Arguments.storeTrue())
        .help("use Temporal cancellation instead of the run's cancel signal (ends as CANCELED)");
  }

  @Override
  protected int execute(Namespace namespace, ClientSettings settings) {
    String runId = namespace.getString("runId");
    boolean nativeCancel = Boolean.TRUE.equals(namespace.getBoolean("nativeCancel"));
    try (TemporalClients clients = settings.temporal().connect()) {
      new RunCanceller(clients.client(), new RunStatusReader(clients))
          .cancel(runId, namespace.getString("reason"), nativeCancel);
      out()
          .println(
              "cancel requested for " + runId + (nativeCancel ? " (Temporal cancellation)" : ""));
      return ExitException.OK;
    }
  }
}
