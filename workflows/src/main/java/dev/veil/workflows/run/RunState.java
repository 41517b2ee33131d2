package dev.veil.workflows.run;

/** Lifecycle of a run, as shown by the {@code progress} query. */
public enum RunState {
  PLANNING,
  PREPARING,
  COPYING,
  FINALIZING,
  SUCCEEDED,
  FAILED,
  CANCELLING,
  CANCELLED;

  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
