package dev.veil.workflows.run;

import dev.veil.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;

import dev.veil.workflows.activities.TaskActivities;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskHeartbeat;
import dev.veil.workflows.plan.TaskResult;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A {@link TaskActivities} that copies nothing: it counts executions and how many run at once,
 * and behaves per task as the test says (copy at once, wait for something, fail, or heartbeat
 * until the workflow cancels it). Waits heartbeat like real tasks do, and give up after {@link
 * #MAX_WAIT} so that a broken workflow fails the test instead of hanging it.
 */
final class FakeTaskActivities implements TaskActivities {

  static final Duration MAX_WAIT = Duration.ofSeconds(30);

  /** What one task does. */
  @FunctionalInterface
  interface Behaviour {
    TaskResult run(TableTask task) throws InterruptedException;
  }

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
  private final Map<String, Behaviour> byTask = new ConcurrentHashMap<>();
  private volatile Behaviour otherwise = FakeTaskActivities::copy;
  private final Set<String> stopped = ConcurrentHashMap.newKeySet();
  private final java.util.List<TableTask> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The run dropped its build database: running tasks fail as real ones would. */
  private static volatile FakeTaskActivities current;
  private volatile boolean databaseDropped;

  FakeTaskActivities() {
    current = this;
  }

  /** What discarding the build database does to running tasks: they fail, nothing to retry. */
  void dropDatabase() {
    databaseDropped = true;
  }

  /** A new build database (a new epoch). */
  void createDatabase() {
    databaseDropped = false;
  }

  /** Tasks that stopped because the run dropped its build database. */
  Set<String> stopped() {
    return Set.copyOf(stopped);
  }

  /** Every task executed, in order. */
  java.util.List<TableTask> seen() {
    return java.util.List.copyOf(seen);
  }

  /** Task {@code taskId} ({@code schema.table#chunk}) behaves as {@code behaviour}. */
  FakeTaskActivities on(String taskId, Behaviour behaviour) {
    byTask.put(taskId, behaviour);
    return this;
  }

  /** Every task without its own behaviour behaves as {@code behaviour}. */
  FakeTaskActivities otherwise(Behaviour behaviour) {
    otherwise = behaviour;
    return this;
  }

  @Override
  public TaskResult run(TableTask task) {
    runs.computeIfAbsent(task.taskId(), id -> new AtomicInteger()).incrementAndGet();
    seen.add(task);
    peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try {
      return byTask.getOrDefault(task.taskId(), otherwise).run(task);
    } catch (ActivityCompletionException e) {
      cancelled.add(task.taskId());
      throw e;
    } catch (ApplicationFailure e) {
      if (FailureTypes.BUILD_DATABASE_GONE.equals(e.getType())) {
        stopped.add(task.taskId());
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** Rows a task "copies": distinct per chunk so that sums prove every chunk was counted. */
  static long rowsOf(TableTask task) {
    return 100 + task.chunk().fromPage() / 100;
  }

  /** Copies at once. */
  static TaskResult copy(TableTask task) {
    return new TaskResult(task.taskId(), rowsOf(task), 64 * rowsOf(task), 5);
  }

  /** Heartbeats until the workflow cancels the task, as a real task learns of it. */
  static TaskResult untilCancelled(TableTask task) throws InterruptedException {
    heartbeatUntil(task, () -> false);
    throw new IllegalStateException(task.taskId() + " was never cancelled");
  }

  /** Heartbeats until {@code condition} holds, then copies. */
  static Behaviour copyOnceTrue(BooleanSupplier condition) {
    return task -> {
      if (!heartbeatUntil(task, condition)) {
        throw new IllegalStateException(task.taskId() + " waited in vain");
      }
      return copy(task);
    };
  }

  /**
   * Heartbeats every few milliseconds until {@code condition} holds or {@link #MAX_WAIT} passed.
   * A heartbeat throws {@link ActivityCompletionException} once the workflow cancelled the task.
   */
  static boolean heartbeatUntil(TableTask task, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + MAX_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Activity.getExecutionContext().heartbeat(new TaskHeartbeat(task.taskId(), 0, 0));
      FakeTaskActivities self = current;
      if (self != null && self.databaseDropped) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the run's build database is gone", FailureTypes.BUILD_DATABASE_GONE);
      }
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  /** Blocks the test thread until {@code condition} holds; fails after {@link #MAX_WAIT}. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + MAX_WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Tasks running now. */
  int inFlight() {
    return inFlight.get();
  }

  /** Most tasks that ever ran at once. */
  int peak() {
    return peak.get();
  }

  /** Executions per task id, sorted by id. */
  Map<String, Integer> runs() {
    Map<String, Integer> out = new TreeMap<>();
    runs.forEach((id, n) -> out.put(id, n.get()));
    return out;
  }

  boolean started(String taskId) {
    return runs.containsKey(taskId);
  }

  /** Tasks that stopped because the workflow cancelled them. */
  Set<String> cancelled() {
    return Set.copyOf(cancelled);
  }
}
