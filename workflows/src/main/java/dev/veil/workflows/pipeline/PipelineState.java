package dev.veil.workflows.pipeline;

/** State of a pipeline, as shown by the {@code status} query. */
public enum PipelineState {
  /** Waiting for the next fire (or for {@code runNow} when it has no schedule). */
  IDLE,
  /** A run is in flight. */
  RUNNING,
  /** Scheduled fires are paused. */
  PAUSED,
  /** Removed; ends when the run in flight has ended. */
  ENDING,
  /** Removed and ended. */
  ENDED
}
