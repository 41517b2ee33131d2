package dev.veil.activities.snapshot;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.SafeErrors;
import dev.veil.activities.delivery.DeliverySnapshots;
import dev.veil.activities.delivery.DeliveryStorages;
import dev.veil.activities.twin.TwinDatabase;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.SnapshotActivities;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SnapshotInfo;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Activity face of {@link SnapshotHolder}. */
public class SnapshotActivitiesImpl implements SnapshotActivities {

  private static final Logger log = LoggerFactory.getLogger(SnapshotActivitiesImpl.class);
  private final SnapshotHolder holder;
  private final DeliverySnapshots deliveries;

  public SnapshotActivitiesImpl(ConnectionRegistry connections, TwinDatabase twin) {
    this(connections, twin, DeliveryStorages.none());
  }

  /** Also holds the snapshots of delivery runs, recorded under their run prefix in storage. */
  public SnapshotActivitiesImpl(
      ConnectionRegistry connections, TwinDatabase twin, DeliveryStorages storages) {
    this.holder = new SnapshotHolder(connections, twin);
    this.deliveries = new DeliverySnapshots(connections, storages);
  }

  @Override
  public SnapshotInfo holdSnapshot(RunPlan plan, int epoch) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    try {
      if (plan.delivery() != null) {
        return deliveries.hold(plan, epoch, () -> context.heartbeat(epoch));
      }
      return holder.hold(plan, epoch, () -> context.heartbeat(epoch));
    } catch (ActivityCompletionException e) {
      log.info("snapshot hold ended by the workflow pipeline={} run={} epoch={}",
          plan.pipelineId(), plan.runId(), epoch);
      throw e;
    } catch (SnapshotLostException e) {
      log.warn("source snapshot lost pipeline={} run={} epoch={}: {}", plan.pipelineId(),
          plan.runId(), epoch, e.getMessage());
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.SNAPSHOT_LOST);
    } catch (SQLException e) {
      String message = "cannot hold a source snapshot: " + SafeErrors.describe(e);
      log.warn("{} pipeline={} run={}", message, plan.pipelineId(), plan.runId());
      throw ApplicationFailure.newNonRetryableFailure(message, FailureTypes.SNAPSHOT_LOST);
    } catch (java.io.IOException e) {
      String message = "cannot record the source snapshot in the delivery storage: "
          + e.getMessage();
      log.warn("{} pipeline={} run={}", message, plan.pipelineId(), plan.runId());
      // a storage that refuses the agent fails the run; any other storage error is a lost
      // snapshot, and the run starts over under a new one
      throw ApplicationFailure.newNonRetryableFailure(message,
          e instanceof dev.veil.activities.delivery.StorageRefusedException
              ? FailureTypes.DELIVERY_FAILED : FailureTypes.SNAPSHOT_LOST);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newNonRetryableFailure(
          "the worker holding the source snapshot is stopping", FailureTypes.SNAPSHOT_LOST);
    }
  }
}
