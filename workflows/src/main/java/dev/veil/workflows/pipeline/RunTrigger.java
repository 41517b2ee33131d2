package dev.veil.workflows.pipeline;

/** What made a pipeline run. */
public enum RunTrigger {
  SCHEDULE,
  RUN_NOW
}
