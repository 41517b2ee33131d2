package dev.veil.workflows.report;

/** Kinds of run events sent to the cloud API, in the order a run emits them. */
public enum RunEventType {
  RUN_STARTED,
  TASK_STARTED,
  /** A table's rows done so far; at most one per table per 5 s of workflow time. */
  TASK_PROGRESS,
  TASK_SUCCEEDED,
  TASK_FAILED,
  RUN_SUCCEEDED,
  RUN_FAILED,
  RUN_CANCELLED
}
