package dev.veil.activities.delivery;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.plan.DeliveryPlan;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Resolves the storage names of delivery specs to storages, as {@link
 * dev.veil.activities.db.ConnectionRegistry} does for databases. A delivery's {@code to} says
 * where ({@code s3://bucket/prefix} or {@code file:///path}); the named storage says how (endpoint,
 * region, credentials).
 */
public final class DeliveryStorages {

  private final Map<String, StorageSettings> storages;

  public DeliveryStorages(Map<String, StorageSettings> storages) {
    this.storages = new TreeMap<>(storages == null ? Map.of() : storages);
  }

  public static DeliveryStorages none() {
    return new DeliveryStorages(Map.of());
  }

  public Set<String> names() {
    return storages.keySet();
  }

  public boolean has(String name) {
    return storages.containsKey(name);
  }

  /** Opens the storage of a delivery, rooted at its {@code to}; the caller closes it. */
  public DeliveryStorage open(DeliveryPlan plan) {
    return open(plan.storage(), plan.to());
  }

  /** Opens storage {@code name} rooted at {@code to}; the caller closes it. */
  public DeliveryStorage open(String name, String to) {
    URI uri = URI.create(to);
    if ("file".equals(uri.getScheme())) {
      return new LocalFolderStorage(Path.of(uri));
    }
    if (!"s3".equals(uri.getScheme())) {
      throw new IllegalArgumentException("target.delivery.to: expected s3://bucket/prefix or"
          + " file:///path");
    }
    StorageSettings settings = name == null ? null : storages.get(name);
    if (settings == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "target.delivery.storage: '" + name + "' is not configured on this agent (configured: "
              + String.join(", ", storages.keySet()) + ")",
          FailureTypes.UNKNOWN_CONNECTION);
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    return new S3Storage(settings, uri.getHost(), path.startsWith("/") ? path.substring(1) : path);
  }
}
