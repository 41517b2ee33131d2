package dev.veil.activities.executor;

import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskHeartbeat;
import dev.veil.workflows.plan.TaskResult;
import java.util.OptionalInt;

/** Runs a table task somewhere: in this JVM ({@code local}) or in a pod ({@code kubernetes}). */
public interface TaskExecutor {

  /** Receives live progress; returning normally means "go on", throwing stops the task. */
  @FunctionalInterface
  interface Progress {
    void report(TaskHeartbeat heartbeat);
  }

  /**
   * Runs the task to the end.
   *
   * @param attempt the activity attempt (1-based): executors that start external work derive
   *     names from it so a retry re-attaches instead of duplicating
   */
  TaskResult run(TableTask task, int attempt, Progress progress) throws Exception;

  /**
   * How many tasks this executor may run at once, when it decides that itself (the kubernetes
   * executor: {@code maxConcurrentPods}); empty when the worker's {@code maxConcurrentTasks} rules.
   * The worker polls the table-task queue with that many activity slots.
   */
  default OptionalInt maxConcurrentTasks() {
    return OptionalInt.empty();
  }
}
