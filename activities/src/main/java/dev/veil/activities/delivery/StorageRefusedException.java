package dev.veil.activities.delivery;

import java.io.IOException;

/** The storage refused the agent's credentials or permissions: retrying cannot help. */
public final class StorageRefusedException extends IOException {
  public StorageRefusedException(String message) {
    super(message);
  }
}
