package dev.veil.workflows.activities;

import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SwapResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The database twin on the target server. Everything before {@link #swapTwin} works in the run's
 * own build database ({@link RunPlan#buildDatabase()}); the live twin is touched only by the swap,
 * which renames databases, so readers see the old twin or the new one, never half of either.
 */
@ActivityInterface
public interface TwinActivities {
  /**
   * Creates the run's build database anew (an existing one of the same run and epoch is dropped
   * first) with Veil's {@code _veil} schema: the snapshot the run reads under, the chunk ledger,
   * the schema archive. First drops build databases that dead runs of the same twin left behind
   * (those no session uses). Idempotent. Heartbeats.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code FinalizeFailed} (non-retryable) when the
   *     target role cannot create databases
   */
  @ActivityMethod(name = "CreateBuildDatabase")
  void createBuildDatabase(RunPlan plan, int epoch);

  /**
   * Waits for the run's snapshot (exported by {@link SnapshotActivities#holdSnapshot}), dumps the
   * source schemas with {@code pg_dump --schema-only --snapshot}, keeps the archive in the build
   * database, restores its pre-data section (types, functions, tables without keys, views) and
   * records the source's sequence values read under the snapshot. Idempotent (a retry restores
   * into a fresh build database). Heartbeats while pg_dump and pg_restore run.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code SnapshotLost} when the snapshot is gone;
   *     {@code FinalizeFailed} (non-retryable) when pg_restore rejects the schema (the message is
   *     pg_restore's, scrubbed)
   */
  @ActivityMethod(name = "LoadTwinSchema")
  void loadSchema(RunPlan plan, int epoch);

  /**
   * After the copy: releases the source snapshot, restores the post-data section (keys, indexes,
   * foreign keys, triggers, rules, policies) with {@code pg_restore -j}, sets sequences to the
   * source's values and refreshes materialized views so they hold masked data. Heartbeats;
   * stops when cancelled. Idempotent.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code FinalizeFailed} (non-retryable) when a
   *     key, index or constraint cannot be built (e.g. a rule broke uniqueness); names it
   */
  @ActivityMethod(name = "BuildTwin")
  void buildTwin(RunPlan plan);

  /**
   * Swaps the build database in: blocks new connections to the old twin, waits up to {@code
   * swapWaitSeconds} for its sessions to end, terminates the rest (or fails, old twin kept), then
   * in one transaction renames the old twin aside and the build database into place. The old twin
   * is kept aside, whole, until {@link #finishSwap} or {@link #undoSwap}. Idempotent: a retry
   * after the renames finds the twin marked with this run and returns {@code alreadyDone}.
   * Heartbeats while it waits.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code FinalizeFailed} (non-retryable) when
   *     sessions do not end and terminating them is off; the old twin is untouched
   */
  @ActivityMethod(name = "SwapTwin")
  SwapResult swapTwin(RunPlan plan);

  /**
   * After a swap the run keeps: drops the replaced twin, or keeps it as the previous twin for
   * {@code veil rollback} ({@code keepPrevious}, replacing an older one). Idempotent.
   */
  @ActivityMethod(name = "FinishTwinSwap")
  void finishSwap(RunPlan plan);

  /**
   * After a swap the run must not keep (it was cancelled meanwhile): renames the new twin back to
   * the build database and the replaced twin back into place, in one transaction, and lets
   * sessions connect again. The old twin is exactly as it was. Idempotent; does nothing if the
   * swap never happened.
   */
  @ActivityMethod(name = "UndoTwinSwap")
  void undoSwap(RunPlan plan);

  /**
   * Drops the run's build database (terminating its sessions) and ends the run's sessions on the
   * source. Never touches the live twin. Idempotent.
   */
  @ActivityMethod(name = "DiscardBuildDatabase")
  void discardBuild(RunPlan plan);
}
