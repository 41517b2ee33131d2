package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.workflows.plan.TwinOptions;

/**
 * Where the twin goes: the database of a configured connection. Each run builds the new twin in a
 * fresh database on the same server and swaps it in by renaming.
 *
 * @param connection name of a connection configured on the agent; its database is the twin
 * @param schema removed: the twin is the whole database. Kept only so that a spec that still
 *     sets it is refused with an explanation rather than "unknown field"
 * @param keepPrevious keep the replaced twin so {@code veil rollback} can swap it back (default
 *     false: dropped after the swap)
 * @param keepOwnership restore owners and grants; the roles must exist on the target (default
 *     false)
 * @param swapWaitSeconds how long the swap waits for sessions on the old twin to end (default 30)
 * @param terminateSessions terminate sessions still on the old twin after that wait (default
 *     true); false fails the run instead and keeps the old twin
 * @param delivery deliver files instead of a twin (then {@code connection} is not set)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetSpec(
    String connection,
    String schema,
    Boolean keepPrevious,
    Boolean keepOwnership,
    Integer swapWaitSeconds,
    Boolean terminateSessions,
    DeliverySpec delivery) {

  public TargetSpec(String connection) {
    this(connection, null, null, null, null, null, null);
  }

  public TargetSpec(
      String connection,
      String schema,
      Boolean keepPrevious,
      Boolean keepOwnership,
      Integer swapWaitSeconds,
      Boolean terminateSessions) {
    this(connection, schema, keepPrevious, keepOwnership, swapWaitSeconds, terminateSessions,
        null);
  }

  /** A delivery target. */
  public static TargetSpec delivery(DeliverySpec delivery) {
    return new TargetSpec(null, null, null, null, null, null, delivery);
  }

  /** The twin options with defaults filled in. */
  public TwinOptions twinOptions() {
    return new TwinOptions(
        Boolean.TRUE.equals(keepPrevious),
        Boolean.TRUE.equals(keepOwnership),
        swapWaitSeconds == null ? TwinOptions.DEFAULT_SWAP_WAIT_SECONDS : swapWaitSeconds,
        terminateSessions == null || terminateSessions);
  }
}
