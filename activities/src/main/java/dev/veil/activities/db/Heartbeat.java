package dev.veil.activities.db;

/**
 * Tells the orchestrator that long database work is alive. Implementations may throw (an
 * activity's heartbeat throws when the activity was cancelled); callers then stop the work.
 */
@FunctionalInterface
public interface Heartbeat {
  Heartbeat NONE = () -> {};

  void beat();
}
