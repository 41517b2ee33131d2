package dev.veil.app.cli;

import dev.veil.app.api.RunStatus;
import dev.veil.app.core.RunStatusReader;
import dev.veil.app.core.TemporalClients;
import java.time.Duration;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code status <runId> [--follow] [--json]}: a run's state and per-table progress, live rows of
 * running chunks included. Exit 0 while the run goes on; once it has ended (and with {@code
 * --follow}) the run's outcome: 0 succeeded, 1 failed, 3 cancelled.
 */
public class StatusCommand extends ClientCommand {

  public StatusCommand(Console console) {
    super(console, "status", "Shows the progress of a run");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("runId").metavar("RUN_ID").help("the run id that start printed");
    subparser
        .addArgument("-f", "--follow")
        .action(Arguments.storeTrue())
        .help("refresh every second until the run ends; exit 0 ok, 1 failed, 3 cancelled");
    subparser
        .addArgument("--json")
        .action(Arguments.storeTrue())
        .help("print the status as JSON (one document per line with --follow)");
  }

  @Override
  protected int execute(Namespace namespace, ClientSettings settings) throws Exception {
    String runId = namespace.getString("runId");
    boolean json = Boolean.TRUE.equals(namespace.getBoolean("json"));
    boolean follow = Boolean.TRUE.equals(namespace.getBoolean("follow"));
    try (TemporalClients clients = settings.temporal().connect()) {
      RunStatusReader reader = new RunStatusReader(clients);
      RunPrinter printer =
          new RunPrinter(out(), !json && RunPrinter.terminal(out()), console.objectMapper());
      if (follow) {
        RunStatus last = printer.follow(reader, runId, Duration.ofSeconds(1), json);
        if (!json) {
          printer.printSummary(last);
        }
        return RunPrinter.exitCode(last);
      }
      RunStatus status = reader.read(runId);
      if (json) {
        printer.printJson(status);
      } else {
        printer.printProgress(status);
        if (status.finished()) {
          printer.printSummary(status);
        }
      }
      // a script must see a failed run fail: a run still going is 0, an ended one its outcome
      return status.finished() ? RunPrinter.exitCode(status) : ExitException.OK;
    }
  }
}
