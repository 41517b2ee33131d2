package dev.veil.app.cli;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.config.PipelineSource;
import dev.veil.app.api.RunStatus;
import dev.veil.app.core.MaskingKeyCheck;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.RunStatusReader;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.UnknownPipelineException;
import dev.veil.workflows.spec.PipelineSpec;
import java.time.Duration;
import java.util.List;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code start <pipelineId> [--follow]}: checks the spec locally (an invalid one prints its
 * problems and exits 2 without starting anything), asks the pipeline's workflow for a run (the
 * {@code runNow} update, which refuses while a run is in flight: exit 1) and prints its id; with
 * {@code --follow} shows progress until the run ends (exit 0 succeeded, 1 failed, 3 cancelled).
 */
public class StartCommand extends ClientCommand {

  public StartCommand(Console console) {
    super(console, "start", "Starts a run of a pipeline and prints its run id");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("pipelineId").metavar("PIPELINE").help("id of the pipeline to run");
    subparser
        .addArgument("-f", "--follow")
        .action(Arguments.storeTrue())
        .help("show progress every second until the run ends; exit 0 ok, 1 failed, 3 cancelled");
  }

  @Override
  protected int execute(Namespace namespace, ClientSettings settings) throws Exception {
    String pipelineId = namespace.getString("pipelineId");
    PipelineSource pipelines = settings.pipelines().get();
    validate(pipelines, pipelineId, settings.hasMaskingKey());
    try (TemporalClients clients = settings.temporal().connect()) {
      String runId =
          new PipelineRunStarter(clients.client(), pipelines)
              .runNow(pipelineId, "veil start");
      out().println(runId);
      if (!Boolean.TRUE.equals(namespace.getBoolean("follow"))) {
        return ExitException.OK;
      }
      RunPrinter printer = new RunPrinter(out(), RunPrinter.terminal(out()), console.objectMapper());
      RunStatus last =
          printer.follow(new RunStatusReader(clients), runId, Duration.ofSeconds(1), false);
      printer.printSummary(last);
      return RunPrinter.exitCode(last);
    }
  }

  /** Checks the spec before anything is started; problems go to stderr, one per line. */
  private void validate(PipelineSource pipelines, String pipelineId, boolean hasKey) {
    try {
      PipelineSpec spec = PipelineRunStarter.validate(pipelines, pipelineId);
      MaskingKeyCheck.problem(spec, hasKey)
          .ifPresent(
              problem -> {
                throw new InvalidSpecException(pipelineId, List.of(problem));
              });
    } catch (InvalidSpecException e) {
      console.err().println("veil start: pipeline " + pipelineId + " is invalid, nothing was started:");
      e.problems().forEach(problem -> console.err().println("  - " + problem));
      throw new ExitException(ExitException.INVALID, null);
    } catch (UnknownPipelineException e) {
      throw new ExitException(ExitException.INVALID, "veil start: " + e.getMessage());
    }
  }
}
