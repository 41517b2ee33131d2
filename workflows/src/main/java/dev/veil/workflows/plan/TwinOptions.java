package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How a run restores and swaps its twin, from the spec's {@code target} section.
 *
 * @param keepPrevious keep the replaced twin (one generation) so {@code veil rollback} can swap it
 *     back; otherwise it is dropped after the swap
 * @param keepOwnership restore owners and grants (the roles must exist on the target); default
 *     off: {@code --no-owner --no-privileges}
 * @param swapWaitSeconds how long the swap waits for sessions on the old twin to end
 * @param terminateSessions past that wait, terminate them ({@code true}) or fail the run and keep
 *     the old twin ({@code false})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TwinOptions(
    boolean keepPrevious, boolean keepOwnership, int swapWaitSeconds, boolean terminateSessions) {
  public static final int DEFAULT_SWAP_WAIT_SECONDS = 30;
  public static final TwinOptions DEFAULTS =
      new TwinOptions(false, false, DEFAULT_SWAP_WAIT_SECONDS, true);
}
