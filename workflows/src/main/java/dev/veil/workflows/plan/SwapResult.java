package dev.veil.workflows.plan;

/**
 * @param tables tables swapped into the target
 * @param alreadyDone the swap had happened before (a retried swap found the run's ledger row)
 */
public record SwapResult(int tables, boolean alreadyDone) {}
