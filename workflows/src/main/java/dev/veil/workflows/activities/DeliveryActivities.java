package dev.veil.workflows.activities;

import dev.veil.workflows.plan.DeliveryResult;
import dev.veil.workflows.plan.RunPlan;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The steps of a delivery run around its chunks: files under the run prefix, published by a
 * manifest written last. Storage credentials come from the agent's configuration, never from the
 * plan.
 */
@ActivityInterface
public interface DeliveryActivities {

  /**
   * Waits (heartbeating) until the snapshot holder of {@code epoch} has recorded the run's source
   * snapshot under the run prefix, so that every chunk can import it. Idempotent.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code SnapshotLost} when the holder ended
   *     without recording one
   */
  @ActivityMethod(name = "AwaitDeliverySnapshot")
  void awaitSnapshot(RunPlan plan, int epoch);

  /**
   * Releases the source snapshot, then writes {@code manifest.json} (every part file with rows,
   * bytes and sha256, each table's columns with their PostgreSQL types, the spec version and the
   * snapshot time) after every data file, then the {@code latest} pointer, then deletes the
   * pipeline's deliveries beyond {@code keep}. Idempotent: a retry rewrites the same manifest.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code DeliveryFailed} when a part is missing
   */
  @ActivityMethod(name = "PublishDelivery")
  DeliveryResult publish(RunPlan plan);

  /**
   * Deletes everything under the run prefix (partial parts, the snapshot record): a failed or
   * cancelled run leaves no manifest and no files. Idempotent.
   */
  @ActivityMethod(name = "DiscardDelivery")
  void discard(RunPlan plan);
}
