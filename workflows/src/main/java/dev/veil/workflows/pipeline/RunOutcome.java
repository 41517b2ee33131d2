package dev.veil.workflows.pipeline;

/** How a run of a pipeline ended, as kept in the pipeline's status. */
public enum RunOutcome {
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  /** A fire that came while the previous run was still going. */
  SKIPPED
}
