package dev.veil.workflows.run;

/** Lifecycle of one table within a run. */
public enum TableState {
  PENDING,
  RUNNING,
  COPIED,
  FAILED,
  CANCELLED
}
