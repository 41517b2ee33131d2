package dev.veil.workflows.activities;

import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SnapshotInfo;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The one source snapshot a run reads under. */
@ActivityInterface
public interface SnapshotActivities {
  /**
   * Opens a read-only {@code REPEATABLE READ} transaction on the source, exports its snapshot
   * ({@code pg_export_snapshot()}), records the snapshot id in the build database for pg_dump and
   * every chunk to import, and keeps the transaction open, heartbeating, until the build database
   * marks the snapshot released (or is dropped). Writes nothing to the source: works on a hot
   * standby. Not retried: if the holder is lost (connection or worker), the snapshot is gone and
   * the run starts its copy over under a new one.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code SnapshotLost} when the source
   *     connection breaks while holding
   */
  @ActivityMethod(name = "HoldSnapshot")
  SnapshotInfo holdSnapshot(RunPlan plan, int epoch);
}
