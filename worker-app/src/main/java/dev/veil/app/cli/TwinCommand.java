package dev.veil.app.cli;

import dev.veil.activities.RunActivities;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.twin.TwinDatabase;
import dev.veil.app.VeilConfiguration;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.UnknownPipelineException;
import dev.veil.workflows.spec.PipelineSpec;
import java.util.List;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * The database twin of a pipeline, by hand:
 *
 * <ul>
 *   <li>{@code rollback PIPELINE}: swaps the previous twin (kept by {@code target.keepPrevious})
 *       back in; the replaced twin becomes the previous one, so a second rollback undoes the
 *       first. Sessions on the twin get {@code --wait} seconds, then are terminated.
 *   <li>{@code cleanup PIPELINE}: drops what dead runs left beside the twin (build databases,
 *       replaced twins no run finished dropping) that no session uses. Runs do this themselves
 *       at their start; this is for an agent that stopped for good.
 * </ul>
 */
public class TwinCommand extends VeilCommand {

  private final boolean rollback;

  private TwinCommand(Console console, String name, String description, boolean rollback) {
    super(console, name, description);
    this.rollback = rollback;
  }

  public static TwinCommand rollback(Console console) {
    return new TwinCommand(console, "rollback",
        "Swaps a pipeline's previous twin back in (needs target.keepPrevious)", true);
  }

  public static TwinCommand cleanup(Console console) {
    return new TwinCommand(console, "cleanup",
        "Drops what dead runs left beside a pipeline's twin (build and replaced databases)", false);
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("pipelineId").metavar("PIPELINE").help("the pipeline whose twin");
    if (rollback) {
      subparser.addArgument("--wait").metavar("SECONDS").type(Integer.class).setDefault(30)
          .help("how long sessions on the twin may take to end before they are terminated");
      subparser.addArgument("--no-terminate").dest("noTerminate").action(Arguments.storeTrue())
          .help("fail instead of terminating sessions still on the twin after the wait");
    }
  }

  @Override
  protected int execute(Namespace namespace, VeilConfiguration configuration) throws Exception {
    String pipelineId = namespace.getString("pipelineId");
    PipelineSource pipelines = configuration.getPipelines().build();
    PipelineSpec spec;
    try {
      spec = PipelineRunStarter.validate(pipelines, pipelineId);
    } catch (UnknownPipelineException e) {
      throw new ExitException(ExitException.INVALID, getName() + ": " + e.getMessage());
    }
    TwinDatabase twin = new TwinDatabase(configuration.connectionRegistry(),
        RunActivities.pgTools(configuration.getPostgres().getBinDir()));
    String target = spec.target().connection();
    if (configuration.connectionSettings().containsKey(target)) {
      // a wrong password or port is the connection's problem, named, not an unexpected error
      Connections.requireReachable(configuration.connectionRegistry(), target, getName());
    }
    if (rollback) {
      int wait = namespace.getInt("wait");
      boolean terminate = !Boolean.TRUE.equals(namespace.getBoolean("noTerminate"));
      try {
        out().println(twin.rollback(target, wait, terminate, Heartbeat.NONE));
      } catch (TwinDatabase.TwinException e) {
        throw new ExitException(ExitException.INVALID, "rollback: " + e.getMessage());
      }
    } else {
      List<String> dropped = twin.cleanUp(target);
      out().println(dropped.isEmpty()
          ? "nothing to clean up beside " + twin.twinDatabase(target)
          : "dropped " + String.join(", ", dropped));
    }
    return ExitException.OK;
  }
}
