package dev.veil.workflows.activities;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.spec.ExecutorSpec;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** The one catalogue of activity options: timeouts, heartbeats, retries, cancellation. */
public final class VeilActivityOptions {

  private static final RetryOptions QUICK_RETRIES =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(20))
          .setMaximumAttempts(5)
          .setDoNotRetry(FailureTypes.NON_RETRYABLE)
          .build();

  /** Reading a spec: quick, read only. */
  public static final ActivityOptions CONFIG =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(QUICK_RETRIES)
          .build();

  /**
   * How long a silent activity of the run's own steps is given before it is retried elsewhere:
   * every such step heartbeats, so a killed worker costs a run this long, not its whole timeout.
   */
  private static final Duration STEP_HEARTBEAT = Duration.ofSeconds(15);

  /** Planning introspects the catalog: seconds, minutes for a huge catalog. Heartbeats. */
  public static final ActivityOptions PLANNING =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(30))
          .setHeartbeatTimeout(STEP_HEARTBEAT)
          .setRetryOptions(QUICK_RETRIES)
          .build();

  /** Creating the run's build database. Heartbeats. */
  public static final ActivityOptions CREATE_BUILD =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(30))
          .setHeartbeatTimeout(STEP_HEARTBEAT)
          .setRetryOptions(QUICK_RETRIES)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  /** pg_dump and the pre-data restore: minutes for a big catalog. Heartbeats while they run. */
  public static final ActivityOptions LOAD_SCHEMA =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(2))
          .setHeartbeatTimeout(STEP_HEARTBEAT)
          .setRetryOptions(QUICK_RETRIES)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  /**
   * The snapshot holder: as long as the copy, heartbeating every few seconds. One attempt: a lost
   * holder means a lost snapshot, and the workflow starts the copy over under a new one. A cancel
   * does not wait for it: dropping the build database ends it too.
   */
  public static final ActivityOptions HOLD_SNAPSHOT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofDays(7))
          .setHeartbeatTimeout(Duration.ofSeconds(20))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .setCancellationType(ActivityCancellationType.TRY_CANCEL)
          .build();

  /** Creating staging tables. */
  public static final ActivityOptions PREPARE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(QUICK_RETRIES)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  /** Building indexes and keys can take long; it heartbeats meanwhile. */
  public static final ActivityOptions BUILD =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(6))
          .setHeartbeatTimeout(STEP_HEARTBEAT)
          .setRetryOptions(QUICK_RETRIES)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  /**
   * The swap waits for sessions on the old twin (heartbeating), then renames in one short
   * transaction; it is not cancelled once started.
   */
  public static final ActivityOptions SWAP =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(30))
          .setHeartbeatTimeout(STEP_HEARTBEAT)
          .setRetryOptions(QUICK_RETRIES)
          .build();

  /**
   * The leak check reads the identifying source columns and every build table once: as long as
   * the copy at worst. Heartbeats per batch; waits for its cancellation to complete.
   */
  public static final ActivityOptions VERIFY =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(6))
          .setHeartbeatTimeout(STEP_HEARTBEAT)
          .setRetryOptions(QUICK_RETRIES)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  /** Dropping staging must happen even after a failure: retried many times. */
  public static final ActivityOptions DISCARD =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setHeartbeatTimeout(STEP_HEARTBEAT)
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofMinutes(1))
                  .setMaximumAttempts(20)
                  .build())
          .build();

  /**
   * A delivery waits for its snapshot holder to record the snapshot: seconds. Heartbeats; waits
   * for its cancellation to complete.
   */
  public static final ActivityOptions AWAIT_DELIVERY_SNAPSHOT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(10))
          .setHeartbeatTimeout(STEP_HEARTBEAT)
          .setRetryOptions(QUICK_RETRIES)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  /**
   * Publishing a delivery lists its parts and writes the manifest, the pointer, then prunes: a
   * minute at most for thousands of parts. Not cancelled once started (like the swap).
   */
  public static final ActivityOptions PUBLISH_DELIVERY =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(30))
          .setHeartbeatTimeout(STEP_HEARTBEAT)
          .setRetryOptions(QUICK_RETRIES)
          .build();

  /** A PII scan samples every table: minutes; heartbeats once per table. */
  public static final ActivityOptions SCAN =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofHours(1))
          .setHeartbeatTimeout(Duration.ofMinutes(5))
          .setRetryOptions(QUICK_RETRIES)
          .build();

  /**
   * Reporting to the cloud API: best effort. A few quick attempts, bounded in total, so an API
   * that is down costs a run nothing but a dropped event.
   */
  public static final ActivityOptions REPORTING =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(20))
          .setScheduleToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofSeconds(5))
                  .setMaximumAttempts(3)
                  .build())
          .build();

  private VeilActivityOptions() {}

  /** Table tasks: timeouts and attempts from the pipeline's executor settings. */
  public static ActivityOptions task(ExecutorSpec executor) {
    return task(executor, null);
  }

  /**
   * Table tasks on {@code taskQueue} (the workflow's own queue when null). No schedule-to-start
   * timeout: a chunk that no worker has a free slot for waits in the queue until one has.
   */
  public static ActivityOptions task(ExecutorSpec executor, String taskQueue) {
    ExecutorSpec e = executor.withDefaults();
    return ActivityOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setStartToCloseTimeout(Duration.ofMinutes(e.taskTimeoutMinutes()))
        .setHeartbeatTimeout(Duration.ofSeconds(e.heartbeatTimeoutSeconds()))
        .setRetryOptions(
            RetryOptions.newBuilder()
                .setInitialInterval(Duration.ofSeconds(1))
                .setMaximumInterval(Duration.ofSeconds(30))
                .setMaximumAttempts(e.maxAttempts())
                .setDoNotRetry(FailureTypes.NON_RETRYABLE)
                .build())
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .build();
  }
}
