package dev.veil.activities.executor.kubernetes;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's own pod as the owner of its redaction pods, from the downward API ({@code POD_NAME},
 * {@code POD_UID}, {@code POD_NAMESPACE}, set by the chart): when the agent's pod is deleted,
 * Kubernetes' garbage collector deletes the redaction pods it started, so none is orphaned. A
 * running chunk whose pod goes with its agent is retried by Temporal on another worker, which
 * copies it again (the chunk ledger keeps it exactly once).
 */
public final class AgentOwner {

  private AgentOwner() {}

  /**
   * The owner reference, or empty outside a pod (no downward API variables) or when the redaction
   * pods live in another namespace (owners must share the namespace of what they own).
   */
  public static Optional<OwnerReference> fromEnvironment(
      Map<String, String> env, String podNamespace) {
    String name = env.get("POD_NAME");
    String uid = env.get("POD_UID");
    String namespace = env.get("POD_NAMESPACE");
    if (blank(name) || blank(uid) || blank(namespace) || !namespace.equals(podNamespace)) {
      return Optional.empty();
    }
    return Optional.of(
        new OwnerReferenceBuilder()
            .withApiVersion("v1")
            .withKind("Pod")
            .withName(name)
            .withUid(uid)
            // the agent's pod is not a controller of these pods, and its deletion need not wait
            .withController(false)
            .withBlockOwnerDeletion(false)
            .build());
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
