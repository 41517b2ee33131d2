package dev.veil.workflows.activities;

import dev.veil.workflows.plan.PlanRequest;
import dev.veil.workflows.plan.RunPlan;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Turns a spec into a run plan by introspecting the source catalog. */
@ActivityInterface
public interface PlanningActivities {
  /**
   * Resolves include/exclude against the source catalog, checks every rule against a real column
   * and its type, validates {@code where} filters in a read-only transaction, and generates the
   * staging DDL. Read only on the source; idempotent.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code InvalidSpec} (non-retryable) naming every
   *     bad table, column or rule; {@code UnknownConnection} for a connection name the agent lacks
   */
  @ActivityMethod
  RunPlan plan(PlanRequest request);
}
