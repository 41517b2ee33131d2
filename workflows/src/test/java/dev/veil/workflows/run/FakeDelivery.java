package dev.veil.workflows.run;

import dev.veil.workflows.activities.DeliveryActivities;
import dev.veil.workflows.activities.SnapshotActivities;
import dev.veil.workflows.plan.DeliveryPlan;
import dev.veil.workflows.plan.DeliveryResult;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SnapshotInfo;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.DeliverySpec;
import io.temporal.activity.Activity;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The delivery steps and the snapshot holder of a delivery run, faked: records every call in
 * order and holds the snapshot until the publish or the discard releases it, as the real holder
 * does when its record under the run prefix is deleted.
 */
final class FakeDelivery implements DeliveryActivities, SnapshotActivities {

  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile boolean released;

  List<String> calls() {
    return List.copyOf(calls);
  }

  /** A delivery plan of the fixture's tables. */
  static RunPlan plan(int maxActiveTasks, TablePlan... tables) {
    RunPlan twin = RunFixtures.plan(maxActiveTasks, tables);
    return new RunPlan(twin.pipelineId(), twin.runId(), twin.runUid(), twin.pipelineVersion(),
        twin.sourceConnection(), null, null, null, twin.schemas(), maxActiveTasks, twin.tables(),
        List.of(), null, List.of(),
        new DeliveryPlan("minio", "s3://drop/veil", twin.pipelineId() + "/" + twin.runId(),
            DeliverySpec.DeliveryFormat.parquet, DeliverySpec.DeliveryCompression.zstd, 5));
  }

  @Override
  public SnapshotInfo holdSnapshot(RunPlan plan, int epoch) {
    calls.add("holdSnapshot#" + epoch);
    released = false;
    try {
      long deadline = System.nanoTime() + FakeTaskActivities.MAX_WAIT.toNanos();
      while (!released && System.nanoTime() < deadline) {
        Activity.getExecutionContext().heartbeat(epoch);
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
    return new SnapshotInfo(epoch, "2026-12-02T00:00:00Z");
  }

  @Override
  public void awaitSnapshot(RunPlan plan, int epoch) {
    calls.add("awaitSnapshot#" + epoch);
  }

  @Override
  public DeliveryResult publish(RunPlan plan) {
    calls.add("publish");
    released = true;
    return new DeliveryResult("s3://drop/veil/" + plan.delivery().runPrefix() + "/manifest.json",
        4, 400, 4000, 0);
  }

  @Override
  public void discard(RunPlan plan) {
    calls.add("discard");
    released = true;
  }
}
