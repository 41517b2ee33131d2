package dev.veil.app.cli;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.plan.Planner;
import dev.veil.activities.subset.SubsetPreview;
import dev.veil.app.VeilConfiguration;
import dev.veil.app.core.MaskingKeyCheck;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.UnknownPipelineException;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import io.dropwizard.core.Application;
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
public class VeilCheckCommand extends CheckCommand<VeilConfiguration>
    implements VeilCli.ErrorReporting {

  private final Console console;

  public VeilCheckCommand(Application<VeilConfiguration> application, Console console) {
    super(application);
    this.console = console;
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
    CommandSupport.quietLogging();
    PipelineSource pipelines = configuration.getPipelines().build();
    boolean hasKey = configuration.getMasking().build().isPresent();
    if (pipelineId == null) {
      checkEveryPipeline(pipelines, hasKey);
      return;
    }
    try {
      PipelineSpec spec = PipelineRunStarter.validate(pipelines, pipelineId);
      refuseWithoutKey(spec, hasKey);
      reachable(configuration, spec.source().connection());
      reachable(configuration, spec.target().connection());
      RunPlan plan = new Planner(configuration.connectionRegistry(),
          configuration.getPostgres().getBinDir(), configuration.deliveryStorageRegistry()::has)
          .plan(spec, "veil-check-" + pipelineId);
      PlanPrinter printer = new PlanPrinter(console.out());
      printer.print(plan);
      printer.printSubset(SubsetPreview.sizes(configuration.connectionRegistry(), plan,
          Boolean.TRUE.equals(namespace.getBoolean("count"))));
    } catch (InvalidSpecException e) {
      console.err().println("veil check: pipeline " + pipelineId + " would be refused:");
      e.problems().forEach(problem -> console.err().println("  - " + problem));
      throw new ExitException(ExitException.INVALID, null);
    } catch (UnknownPipelineException e) {
      throw new ExitException(ExitException.INVALID, "veil check: " + e.getMessage());
    }
  }

  /**
   * Without a pipeline id: every pipeline file is read and validated (not planned), so a broken
   * one is not hidden behind "Configuration is OK"; each broken pipeline's problems are listed.
   */
  private void checkEveryPipeline(PipelineSource pipelines, boolean hasKey) {
    boolean refused = false;
    for (String id : pipelines.ids()) {
      List<String> problems = new ArrayList<>();
      try {
        MaskingKeyCheck.problem(PipelineRunStarter.validate(pipelines, id), hasKey)
            .ifPresent(problems::add);
      } catch (InvalidSpecException e) {
        problems.addAll(e.problems());
      } catch (RuntimeException e) {
        problems.add("cannot read: " + e.getMessage());
      }
      if (!problems.isEmpty()) {
        refused = true;
        console.err().println("veil check: pipeline " + id + " would be refused:");
        problems.forEach(problem -> console.err().println("  - " + problem));
      }
    }
    if (refused) {
      throw new ExitException(ExitException.INVALID, null);
    }
  }

  /**
   * Opens a connection the plan needs, so that a wrong password, host or port is reported as
   * that connection's problem with the driver's reason, not as an unexpected error.
   */
  private static void reachable(VeilConfiguration configuration, String connection) {
    if (connection == null || !configuration.connectionSettings().containsKey(connection)) {
      return; // the planner names an unknown connection itself
    }
    try (java.sql.Connection c = configuration.connectionRegistry().open(connection)) {
      c.isValid(1);
    } catch (java.sql.SQLException e) {
      if ("3D000".equals(e.getSQLState())) {
        return; // a twin that does not exist yet: the first run creates it (planning checks how)
      }
      throw Connections.cannotConnect("check", connection, e);
    }
  }

  private static void refuseWithoutKey(PipelineSpec spec, boolean hasKey) {
    MaskingKeyCheck.problem(spec, hasKey)
        .ifPresent(
            problem -> {
              throw new InvalidSpecException(spec.id(), List.of(problem));
            });
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
