package dev.veil.workflows.activities;

import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SwapResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Staging and swap on the target database. The live twin is touched only by {@link #swap}, in one
 * transaction; everything before works in the run's own staging schema.
 */
@ActivityInterface
public interface TargetActivities {
  /**
   * Creates the run's staging schema with empty tables (no keys or indexes yet) and its chunk
   * ledger. Idempotent: an existing staging schema of the same run is dropped and made anew.
   */
  @ActivityMethod
  void prepare(RunPlan plan);

  /**
   * Builds primary keys, unique and check constraints, indexes and foreign keys in staging, and
   * advances sequences past the copied values. Heartbeats between statements and stops when
   * cancelled. Idempotent: each object is created only if missing.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code FinalizeFailed} (non-retryable) when a
   *     constraint cannot be built, e.g. a rule broke uniqueness; the message names it
   */
  @ActivityMethod
  void build(RunPlan plan);

  /**
   * In one transaction: drops the target's previous tables of this plan, moves the staging tables
   * into the target schema, records the run in the target's {@code _veil.runs} ledger and drops
   * the staging schema. Short; the workflow does not cancel it once started. Idempotent: a retry
   * after a committed swap finds the ledger row and returns {@code alreadyDone}.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code FinalizeFailed} (non-retryable) when the
   *     swap is blocked (e.g. another object depends on a replaced table); nothing changed
   */
  @ActivityMethod
  SwapResult swap(RunPlan plan);

  /** Drops the run's staging schema. Idempotent; never touches the live twin. */
  @ActivityMethod
  void discard(RunPlan plan);
}
