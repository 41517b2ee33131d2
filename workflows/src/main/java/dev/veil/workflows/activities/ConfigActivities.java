package dev.veil.workflows.activities;

import dev.veil.workflows.spec.PipelineSpec;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Reads pipeline specs from the agent's configuration source. */
@ActivityInterface
public interface ConfigActivities {
  /**
   * Loads and validates a pipeline spec. Idempotent (read only).
   *
   * @throws io.temporal.failure.ApplicationFailure {@code PipelineNotFound} or {@code InvalidSpec},
   *     both non-retryable, with the field and the reason in the message
   */
  @ActivityMethod
  PipelineSpec fetchPipeline(String pipelineId);
}
