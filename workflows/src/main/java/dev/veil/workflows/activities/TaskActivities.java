package dev.veil.workflows.activities;

import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Runs one table task on the executor the worker is configured with. */
@ActivityInterface
public interface TaskActivities {
  /**
   * Streams the task's rows from the source through the column rules into its staging table, in
   * one target transaction that also writes the task's row in the run's chunk ledger. Heartbeats
   * {@link dev.veil.workflows.plan.TaskHeartbeat} progress and learns of cancellation through
   * them. Idempotent: a retry finds a committed ledger row and returns its result, otherwise the
   * aborted attempt left nothing behind and the chunk is copied again from the start.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code TaskFailed} (non-retryable) when a rule
   *     or the target rejects the data
   */
  @ActivityMethod(name = "RunTableTask")
  TaskResult run(TableTask task);
}
