package dev.veil.activities.config;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.ConfigActivities;
import dev.veil.workflows.spec.PipelineSpec;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Optional;

/**
 * Fetches pipeline specs from a {@link PipelineSource} and validates them again, whatever the
 * source, before any work starts. Messages hold ids, field paths and reasons only: specs carry
 * connection names, never credentials or data.
 */
public final class ConfigActivitiesImpl implements ConfigActivities {
  private final PipelineSource source;

  public ConfigActivitiesImpl(PipelineSource source) {
    this.source = source;
  }

  /**
   * Loads and validates the spec. Read only, hence idempotent.
   *
   * @throws ApplicationFailure non-retryable {@link FailureTypes#PIPELINE_NOT_FOUND} if the source
   *     has no such pipeline, non-retryable {@link FailureTypes#INVALID_SPEC} with every problem
   *     in the message (and as a {@code List<String>} in the details) if it is invalid; any other
   *     error (an unreadable folder, an unreachable API) is retryable
   */
  @Override
  public PipelineSpec fetchPipeline(String pipelineId) {
    Optional<PipelineSpec> found;
    try {
      found = source.find(pipelineId);
    } catch (InvalidSpecException e) {
      throw invalid(e.getMessage(), e.problems());
    }
    PipelineSpec spec = found.orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
        "no pipeline '" + FieldPaths.printable(pipelineId) + "' in " + source.describe(),
        FailureTypes.PIPELINE_NOT_FOUND));
    List<String> problems = SpecValidator.validate(spec);
    if (!problems.isEmpty()) {
      throw invalid(new InvalidSpecException(FieldPaths.printable(pipelineId), problems).getMessage(),
          problems);
    }
    return spec;
  }

  private static ApplicationFailure invalid(String message, List<String> problems) {
    return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.INVALID_SPEC, problems);
  }
}
