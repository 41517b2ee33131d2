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

  /** Planning introspects the catalog: seconds, minutes for a huge catalog. */
  public static final ActivityOptions PLANNING =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(QUICK_RETRIES)
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
          .setHeartbeatTimeout(Duration.ofMinutes(2))
          .setRetryOptions(QUICK_RETRIES)
          .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
          .build();

  /** The swap is one short transaction; it is not cancelled once started. */
  public static final ActivityOptions SWAP =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(QUICK_RETRIES)
          .build();

  /** Dropping staging must happen even after a failure: retried many times. */
  public static final ActivityOptions DISCARD =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofMinutes(1))
                  .setMaximumAttempts(20)
                  .build())
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
