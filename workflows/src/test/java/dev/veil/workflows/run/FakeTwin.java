package dev.veil.workflows.run;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.SnapshotActivities;
import dev.veil.workflows.activities.TwinActivities;
import dev.veil.workflows.activities.VerifyActivities;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SnapshotInfo;
import dev.veil.workflows.plan.SwapResult;
import dev.veil.workflows.verify.LeakCheckRequest;
import dev.veil.workflows.verify.LeakCheckResult;
import dev.veil.workflows.verify.LeakFinding;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The build database and the snapshot holder, faked: records every call in order, drops the
 * "database" (making {@link FakeTaskActivities}' running tasks fail) on discard, holds the
 * snapshot until the leak check releases it, finds the leaks it is told to, and can lose the
 * snapshot on cue.
 */
final class FakeTwin implements TwinActivities, SnapshotActivities, VerifyActivities {

  private final FakeTaskActivities tasks;
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile boolean released;
  private volatile BooleanSupplier loseSnapshotWhen = () -> false;
  private volatile int losses;
  private volatile BooleanSupplier swapMayEnd = () -> true;
  private final AtomicBoolean swapping = new AtomicBoolean();
  private volatile List<LeakFinding> leaks = List.of();
  private volatile LeakCheckRequest leakCheck;
  private volatile String report;

  FakeTwin(FakeTaskActivities tasks) {
    this.tasks = tasks;
  }

  /** The holder of the next {@code times} epochs loses its snapshot once {@code when} holds. */
  FakeTwin loseSnapshot(int times, BooleanSupplier when) {
    this.losses = times;
    this.loseSnapshotWhen = when;
    return this;
  }

  /** The swap waits (heartbeating) until {@code condition} holds. */
  FakeTwin swapWaitsFor(BooleanSupplier condition) {
    this.swapMayEnd = condition;
    return this;
  }

  /** The leak check finds these. */
  /** The privacy report the leak check returns (none by default). */
  FakeTwin report(String json) {
    this.report = json;
    return this;
  }

  FakeTwin leaks(LeakFinding... findings) {
    this.leaks = List.of(findings);
    return this;
  }

  /** The last leak check's request, or null. */
  LeakCheckRequest leakCheck() {
    return leakCheck;
  }

  boolean swapping() {
    return swapping.get();
  }

  /** Calls in order, e.g. {@code createBuildDatabase#1}, {@code swapTwin}. */
  List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public void createBuildDatabase(RunPlan plan, int epoch) {
    calls.add("createBuildDatabase#" + epoch);
    released = false;
    tasks.createDatabase();
  }

  @Override
  public void loadSchema(RunPlan plan, int epoch) {
    calls.add("loadSchema#" + epoch);
  }

  @Override
  public void buildTwin(RunPlan plan) {
    calls.add("buildTwin");
  }

  @Override
  public LeakCheckResult checkLeaks(LeakCheckRequest request) {
    calls.add("checkLeaks");
    leakCheck = request;
    released = true;
    return new LeakCheckResult(true, 1, 10, 2, 20, leaks, report);
  }

  @Override
  public SwapResult swapTwin(RunPlan plan) {
    calls.add("swapTwin");
    swapping.set(true);
    try {
      while (!swapMayEnd.getAsBoolean()) {
        Activity.getExecutionContext().heartbeat(null);
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    } finally {
      swapping.set(false);
    }
    return new SwapResult(plan.tables().size(), false);
  }

  @Override
  public void finishSwap(RunPlan plan) {
    calls.add("finishSwap");
  }

  @Override
  public void undoSwap(RunPlan plan) {
    calls.add("undoSwap");
  }

  @Override
  public void discardBuild(RunPlan plan) {
    calls.add("discardBuild");
    tasks.dropDatabase();
    released = true;
  }

  @Override
  public SnapshotInfo holdSnapshot(RunPlan plan, int epoch) {
    calls.add("holdSnapshot#" + epoch);
    try {
      long deadline = System.nanoTime() + FakeTaskActivities.MAX_WAIT.toNanos();
      while (!released && System.nanoTime() < deadline) {
        Activity.getExecutionContext().heartbeat(epoch);
        if (losses > 0 && loseSnapshotWhen.getAsBoolean()) {
          losses--;
          throw ApplicationFailure.newNonRetryableFailure(
              "the connection holding the source snapshot broke", FailureTypes.SNAPSHOT_LOST);
        }
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
    return new SnapshotInfo(epoch, "2026-12-02T00:00:00Z");
  }
}
