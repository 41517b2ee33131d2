package dev.veil.workflows;

/**
 * {@code ApplicationFailure} types raised by Veil's activities and workflows. Types listed in
 * {@link #NON_RETRYABLE} are never retried: retrying cannot make a bad spec good.
 */
public final class FailureTypes {
  /** The pipeline spec is invalid (structure, rule parameters, or against the source catalog). */
  public static final String INVALID_SPEC = "InvalidSpec";
  /** No pipeline with that id in the agent's configuration source. */
  public static final String PIPELINE_NOT_FOUND = "PipelineNotFound";
  /** A connection name in the spec is not configured on this agent. */
  public static final String UNKNOWN_CONNECTION = "UnknownConnection";
  /** The source uses something the copy cannot reproduce (and the spec did not exclude it). */
  public static final String UNSUPPORTED = "Unsupported";
  /** A table task failed for a reason retrying cannot fix (a rule rejected a value, a constraint broke). */
  public static final String TASK_FAILED = "TaskFailed";
  /** The target could not take the new twin (a constraint failed to build, the swap was blocked). */
  public static final String FINALIZE_FAILED = "FinalizeFailed";
  /**
   * The source snapshot the run reads under is gone (its holder's connection or worker was lost):
   * the copy starts over under a new snapshot. Not retried as such: the workflow starts a new epoch.
   */
  public static final String SNAPSHOT_LOST = "SnapshotLost";
  /** The run's build database is gone (the run dropped it after a failure or cancel). */
  public static final String BUILD_DATABASE_GONE = "BuildDatabaseGone";
  /** The leak check found personal data in the new twin (policy {@code fail}). */
  public static final String LEAK_FOUND = "LeakFound";
  /** A delivery could not be written or published (storage refused, a part is missing). */
  public static final String DELIVERY_FAILED = "DeliveryFailed";
  /** The run was cancelled by signal or by native cancellation. */
  public static final String CANCELLED = "Cancelled";

  public static final String[] NON_RETRYABLE = {
    INVALID_SPEC, PIPELINE_NOT_FOUND, UNKNOWN_CONNECTION, UNSUPPORTED, TASK_FAILED, FINALIZE_FAILED,
    SNAPSHOT_LOST, BUILD_DATABASE_GONE
  };

  private FailureTypes() {}
}
