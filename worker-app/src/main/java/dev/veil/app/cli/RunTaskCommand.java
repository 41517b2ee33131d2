package dev.veil.app.cli;

import dev.veil.activities.executor.TaskRunner;
import dev.veil.workflows.plan.TableTask;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import net.sourceforge.argparse4j.inf.MutuallyExclusiveGroup;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code run-task}: runs one table task in this process — what a redaction pod runs, and handy for
 * debugging a task spec by hand. The task is JSON ({@code --task-file F} or {@code --task JSON});
 * connections come only from {@code VEIL_SOURCE_URL/USER/PASSWORD}, {@code
 * VEIL_TARGET_URL/USER/PASSWORD} and the masking key from {@code VEIL_MASKING_KEY}. Prints JSON
 * lines on stdout: {@code {"rows":…,"bytes":…}} while copying, then {@code {"result":{…}}} (exit 0)
 * or {@code {"error":"…","retryable":…}} (exit 1). Needs no configuration file.
 */
public class RunTaskCommand extends Command {

  private final Console console;

  public RunTaskCommand(Console console) {
    super("run-task", "Runs one table task here, printing JSON-lines progress (redaction pods)");
    this.console = console;
  }

  @Override
  public void configure(Subparser subparser) {
    MutuallyExclusiveGroup input = subparser.addMutuallyExclusiveGroup("task").required(true);
    input.addArgument("--task-file").dest("taskFile").metavar("FILE").help("task JSON file");
    input.addArgument("--task").dest("task").metavar("JSON").help("task JSON");
  }

  @Override
  public void onError(Cli cli, Namespace namespace, Throwable e) {
    CommandSupport.reportError(cli.getStdErr(), getName(), e);
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    String json = namespace.getString("task");
    String file = namespace.getString("taskFile");
    if (file != null) {
      try {
        json = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new ExitException(ExitException.INVALID, "veil run-task: --task-file: no such file " + file);
      } catch (IOException e) {
        throw new ExitException(
            ExitException.INVALID, "veil run-task: --task-file: cannot read " + file);
      }
    }
    TableTask task;
    try {
      task = TaskRunner.parseTask(json);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitException.INVALID, "veil run-task: " + e.getMessage());
    }
    int code = TaskRunner.run(task, System.getenv(), console.out());
    if (code != 0) {
      throw new ExitException(ExitException.FAILED, null);
    }
  }
}
