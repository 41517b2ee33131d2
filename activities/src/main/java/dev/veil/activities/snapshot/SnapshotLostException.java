package dev.veil.activities.snapshot;

/** The run's source snapshot cannot be imported any more (its holder ended or was released). */
public final class SnapshotLostException extends RuntimeException {
  public SnapshotLostException(String message) {
    super(message);
  }
}
