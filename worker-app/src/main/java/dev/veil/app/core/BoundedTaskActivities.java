package dev.veil.app.core;

import dev.veil.workflows.activities.TaskActivities;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskHeartbeat;
import dev.veil.workflows.plan.TaskResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps how many table tasks this worker streams at once ({@code worker.maxConcurrentTasks}).
 * Temporal's slot limit counts every activity type alike, so the cap on the heavy ones is a
 * semaphore here. A task waiting for a permit heartbeats, repeating the last progress its previous
 * attempt reported (so a resuming executor still finds its checkpoint), and so learns of
 * cancellation and is not retried as stuck.
 */
public final class BoundedTaskActivities implements TaskActivities {

  private static final Logger log = LoggerFactory.getLogger(BoundedTaskActivities.class);
  private static final long WAIT_SLICE_MILLIS = 1_000;

  private final TaskActivities delegate;
  private final Semaphore permits;

  public BoundedTaskActivities(TaskActivities delegate, int maxConcurrentTasks) {
    if (maxConcurrentTasks < 1) {
      throw new IllegalArgumentException("maxConcurrentTasks must be at least 1");
    }
    this.delegate = delegate;
    this.permits = new Semaphore(maxConcurrentTasks, true);
  }

  @Override
  public TaskResult run(TableTask task) {
    acquire(task);
    try {
      return delegate.run(task);
    } finally {
      permits.release();
    }
  }

  private void acquire(TableTask task) {
    try {
      if (permits.tryAcquire()) {
        return;
      }
      log.info(
          "task waits for a free task slot pipeline={} run={} task={}",
          task.pipelineId(),
          task.runId(),
          task.taskId());
      ActivityExecutionContext context = Activity.getExecutionContext();
      TaskHeartbeat last =
          context
              .getHeartbeatDetails(TaskHeartbeat.class)
              .orElse(new TaskHeartbeat(task.taskId(), 0, 0));
      while (!permits.tryAcquire(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
        context.heartbeat(last); // throws when the activity was cancelled
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  /** Permits free right now (for tests and metrics). */
  public int availablePermits() {
    return permits.availablePermits();
  }
}
