package dev.veil.activities.executor;

import dev.veil.activities.snapshot.SnapshotLostException;
import dev.veil.activities.copy.CopyEngine;
import dev.veil.activities.db.SafeErrors;
import dev.veil.activities.executor.kubernetes.KubernetesErrors;
import dev.veil.activities.metrics.RunMetrics;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.TaskActivities;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs table tasks on the configured executor, heartbeating their progress. Failures reach
 * Temporal as {@link ApplicationFailure}s with a scrubbed message and no cause chain, so no row
 * value or server detail can end up in workflow history.
 */
public class TaskActivitiesImpl implements TaskActivities {

  private static final Logger log = LoggerFactory.getLogger(TaskActivitiesImpl.class);

  /**
   * The failure type the workflow tells apart for this error ({@code BuildDatabaseGone}, {@code
   * SnapshotLost}), or null for an ordinary task failure.
   */
  public static String failureTypeOf(Throwable e) {
    if (e instanceof CopyEngine.BuildDatabaseGoneException) {
      return FailureTypes.BUILD_DATABASE_GONE;
    }
    if (e instanceof SnapshotLostException) {
      return FailureTypes.SNAPSHOT_LOST;
    }
    return null;
  }
  private final TaskExecutor executor;
  private final RunMetrics metrics;

  public TaskActivitiesImpl(TaskExecutor executor) {
    this(executor, RunMetrics.global());
  }

  /** Counts chunks running, rows and bytes copied in {@code metrics}. */
  public TaskActivitiesImpl(TaskExecutor executor, RunMetrics metrics) {
    this.executor = executor;
    this.metrics = metrics;
  }

  @Override
  public TaskResult run(TableTask task) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    int attempt = context.getInfo().getAttempt();
    log.info("task started pipeline={} run={} task={} attempt={}", task.pipelineId(),
        task.runId(), task.taskId(), attempt);
    metrics.chunkStarted(task.pipelineId());
    try {
      TaskResult result = executor.run(task, attempt, context::heartbeat);
      log.info("task done pipeline={} run={} task={} rows={} millis={}", task.pipelineId(),
          task.runId(), task.taskId(), result.rows(), result.millis());
      metrics.chunkCopied(task.pipelineId(), result.rows(), result.bytes());
      return result;
    } catch (ActivityCompletionException e) {
      log.info("task cancelled pipeline={} run={} task={}", task.pipelineId(), task.runId(),
          task.taskId());
      throw e;
    } catch (ApplicationFailure e) {
      throw e;
    } catch (CopyEngine.BuildDatabaseGoneException | SnapshotLostException e) {
      log.info("task stopped pipeline={} run={} task={}: {}", task.pipelineId(), task.runId(),
          task.taskId(), e.getMessage());
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), failureTypeOf(e));
    } catch (Exception e) {
      String message = SafeErrors.describe(e);
      log.warn("task failed pipeline={} run={} task={}: {}", task.pipelineId(), task.runId(),
          task.taskId(), message);
      if (e instanceof InterruptedException) {
        // the worker is stopping: a retry (on this or another worker) resumes the task
        Thread.currentThread().interrupt();
      }
      boolean transientError =
          e instanceof java.io.IOException
              || e instanceof InterruptedException
              || KubernetesErrors.isTransient(e)
              || (e instanceof java.sql.SQLException && SafeErrors.retryable(e));
      throw transientError
          ? ApplicationFailure.newFailure(message, "TaskError")
          : ApplicationFailure.newNonRetryableFailure(message, FailureTypes.TASK_FAILED);
    } finally {
      metrics.chunkEnded(task.pipelineId());
    }
  }
}
