package dev.veil.app.cli;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.plan.Planner;
import dev.veil.activities.subset.SubsetPreview;
import dev.veil.app.VeilApplication;
import dev.veil.app.VeilConfiguration;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.UnknownPipelineException;
import dev.veil.workflows.plan.RunPlan;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Argument;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code check [PIPELINE]}: parses and validates the configuration, with {@code -c}; with a
 * pipeline id it also plans that pipeline against its real source, without copying or writing
 * anything, and prints every table, each column's rule or "passthrough", the warnings, and the
 * columns that would be copied unchanged. Exit 0 when the pipeline would run, 2 with its problems
 * (one per line on stderr) when it would be refused.
 */
public class VeilCheckCommand extends CheckCommand<VeilConfiguration> {

  private final VeilApplication app;

  public VeilCheckCommand(VeilApplication app) {
    super(app);
    this.app = app;
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser
        .addArgument("pipelineId")
        .metavar("PIPELINE")
        .nargs("?")
        .help("also plan this pipeline against its source (nothing is copied) and show what"
            + " each column gets");
    subparser
        .addArgument("--count")
        .action(net.sourceforge.argparse4j.impl.Arguments.storeTrue())
        .help("with a subset, count each table's rows in it exactly (default: estimate)");
  }

  @Override
  protected Argument addFileArgument(Subparser subparser) {
    return CommandSupport.addConfigArgument(subparser);
  }

  @Override
  protected void run(
      Bootstrap<VeilConfiguration> bootstrap, Namespace namespace, VeilConfiguration configuration)
      throws Exception {
    super.run(bootstrap, namespace, configuration);
    String pipelineId = namespace.getString("pipelineId");
    if (pipelineId == null) {
      return;
    }
    CommandSupport.quietLogging();
    PipelineSource pipelines = configuration.getPipelines().build();
    try {
      RunPlan plan = new Planner(configuration.connectionRegistry())
          .plan(PipelineRunStarter.validate(pipelines, pipelineId), "veil-check-" + pipelineId);
      PlanPrinter printer = new PlanPrinter(app.out());
      printer.print(plan);
      printer.printSubset(SubsetPreview.sizes(configuration.connectionRegistry(), plan,
          Boolean.TRUE.equals(namespace.getBoolean("count"))));
    } catch (InvalidSpecException e) {
      app.err().println("veil check: pipeline " + pipelineId + " would be refused:");
      e.problems().forEach(problem -> app.err().println("  - " + problem));
      throw new ExitException(ExitException.INVALID, null);
    } catch (UnknownPipelineException e) {
      throw new ExitException(ExitException.INVALID, "veil check: " + e.getMessage());
    }
  }

  @Override
  public void onError(Cli cli, Namespace namespace, Throwable e) {
    CommandSupport.reportError(cli, getName(), e);
  }
}
