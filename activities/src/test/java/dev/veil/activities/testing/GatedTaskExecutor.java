package dev.veil.activities.testing;

import dev.veil.activities.executor.TaskExecutor;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskHeartbeat;
import dev.veil.workflows.plan.TaskResult;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Holds the tasks that {@code gated} selects before they copy, heartbeating as a running copy
 * does, until {@link #open()} (then they copy for real) or until the workflow cancels them (the
 * heartbeat throws). Lets a test cancel or fail a run while a chunk is certainly mid-copy, without
 * slowing the source down by SQL.
 */
public final class GatedTaskExecutor implements TaskExecutor {

  private final TaskExecutor delegate;
  private final Predicate<TableTask> gated;
  private final CountDownLatch open = new CountDownLatch(1);
  private final CountDownLatch waiting = new CountDownLatch(1);

  public GatedTaskExecutor(TaskExecutor delegate, Predicate<TableTask> gated) {
    this.delegate = delegate;
    this.gated = gated;
  }

  @Override
  public TaskResult run(TableTask task, int attempt, Progress progress) throws Exception {
    if (gated.test(task)) {
      waiting.countDown();
      while (!open.await(200, TimeUnit.MILLISECONDS)) {
        progress.report(new TaskHeartbeat(task.taskId(), 0, 0));
      }
    }
    return delegate.run(task, attempt, progress);
  }

  /** Blocks until a gated task waits at the gate. */
  public void awaitWaiting() throws InterruptedException {
    if (!waiting.await(2, TimeUnit.MINUTES)) {
      throw new AssertionError("no gated task reached the gate");
    }
  }

  /** Lets gated tasks copy. */
  public void open() {
    open.countDown();
  }
}
