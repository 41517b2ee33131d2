package dev.veil.activities.executor.kubernetes;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How redaction pods are made and followed (the worker's {@code executor.kubernetes:}
 * configuration, already validated and defaulted).
 *
 * @param namespace where pods are created
 * @param image the agent image (the pod runs {@code veil run-task})
 * @param imagePullPolicy {@code Always}, {@code IfNotPresent}, {@code Never}, or null
 * @param imagePullSecrets names of image pull secrets
 * @param serviceAccountName service account of the pods, or null
 * @param requests default resource requests ({@code cpu}, {@code memory})
 * @param limits default resource limits
 * @param maxLimits cap when limits scale with a table's estimated rows; empty: no scaling
 * @param nodeSelector default node selector
 * @param tolerations default tolerations
 * @param affinity affinity, passed through, or null
 * @param priorityClassName priority class, or null
 * @param maxConcurrentPods pods this worker runs at once
 * @param activeDeadlineSeconds the pod's {@code activeDeadlineSeconds}
 * @param pendingTimeout how long a pod may stay Pending (unschedulable, image pull errors) before
 *     the task fails
 * @param keepFailedPods keep failed pods for debugging (succeeded ones are always deleted)
 * @param connectionSecret Secret with keys {@code <connection>.url/.user/.password}
 * @param maskingKeySecretName Secret with the masking key, or null: no key in the pod
 * @param maskingKeySecretKey key of the masking key in that Secret
 * @param rowsPerLimitStep with {@code maxLimits}: limits grow by one step of the defaults per this
 *     many estimated rows
 * @param owner owner of every redaction pod (the agent's pod, see {@link AgentOwner}), so that
 *     Kubernetes deletes them when the agent is gone; null: none
 */
public record KubernetesSettings(
    String namespace,
    String image,
    String imagePullPolicy,
    List<String> imagePullSecrets,
    String serviceAccountName,
    Map<String, Quantity> requests,
    Map<String, Quantity> limits,
    Map<String, Quantity> maxLimits,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    Affinity affinity,
    String priorityClassName,
    int maxConcurrentPods,
    long activeDeadlineSeconds,
    Duration pendingTimeout,
    boolean keepFailedPods,
    String connectionSecret,
    String maskingKeySecretName,
    String maskingKeySecretKey,
    long rowsPerLimitStep,
    OwnerReference owner) {

  public static final String DEFAULT_MASKING_KEY_SECRET_KEY = "masking-key";
  public static final long DEFAULT_ROWS_PER_LIMIT_STEP = 10_000_000L;

  public KubernetesSettings {
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("executor.kubernetes.namespace: required");
    }
    if (image == null || image.isBlank()) {
      throw new IllegalArgumentException(
          "executor.kubernetes.image: required (the agent image, e.g. ghcr.io/acme/veil:0.1.0)");
    }
    if (connectionSecret == null || connectionSecret.isBlank()) {
      throw new IllegalArgumentException(
          "executor.kubernetes.connectionSecret: required (the Secret with"
              + " <connection>.url/.user/.password)");
    }
    if (maxConcurrentPods < 1) {
      throw new IllegalArgumentException("executor.kubernetes.maxConcurrentPods: must be >= 1");
    }
    if (activeDeadlineSeconds < 1) {
      throw new IllegalArgumentException(
          "executor.kubernetes.activeDeadlineSeconds: must be >= 1");
    }
    if (pendingTimeout == null || pendingTimeout.isNegative() || pendingTimeout.isZero()) {
      throw new IllegalArgumentException("executor.kubernetes.pendingTimeout: must be > 0");
    }
    imagePullSecrets = imagePullSecrets == null ? List.of() : List.copyOf(imagePullSecrets);
    requests = requests == null ? Map.of() : Map.copyOf(requests);
    limits = limits == null ? Map.of() : Map.copyOf(limits);
    maxLimits = maxLimits == null ? Map.of() : Map.copyOf(maxLimits);
    nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
    tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
    maskingKeySecretKey =
        maskingKeySecretKey == null || maskingKeySecretKey.isBlank()
            ? DEFAULT_MASKING_KEY_SECRET_KEY
            : maskingKeySecretKey;
    rowsPerLimitStep = rowsPerLimitStep < 1 ? DEFAULT_ROWS_PER_LIMIT_STEP : rowsPerLimitStep;
  }

  /** Settings without an owner of the pods. */
  public KubernetesSettings(
      String namespace,
      String image,
      String imagePullPolicy,
      List<String> imagePullSecrets,
      String serviceAccountName,
      Map<String, Quantity> requests,
      Map<String, Quantity> limits,
      Map<String, Quantity> maxLimits,
      Map<String, String> nodeSelector,
      List<Toleration> tolerations,
      Affinity affinity,
      String priorityClassName,
      int maxConcurrentPods,
      long activeDeadlineSeconds,
      Duration pendingTimeout,
      boolean keepFailedPods,
      String connectionSecret,
      String maskingKeySecretName,
      String maskingKeySecretKey,
      long rowsPerLimitStep) {
    this(namespace, image, imagePullPolicy, imagePullSecrets, serviceAccountName, requests, limits,
        maxLimits, nodeSelector, tolerations, affinity, priorityClassName, maxConcurrentPods,
        activeDeadlineSeconds, pendingTimeout, keepFailedPods, connectionSecret,
        maskingKeySecretName, maskingKeySecretKey, rowsPerLimitStep, null);
  }

  /** The same settings, the pods owned by {@code owner} (null: none). */
  public KubernetesSettings withOwner(OwnerReference owner) {
    return new KubernetesSettings(namespace, image, imagePullPolicy, imagePullSecrets,
        serviceAccountName, requests, limits, maxLimits, nodeSelector, tolerations, affinity,
        priorityClassName, maxConcurrentPods, activeDeadlineSeconds, pendingTimeout,
        keepFailedPods, connectionSecret, maskingKeySecretName, maskingKeySecretKey,
        rowsPerLimitStep, owner);
  }

  /** Defaults for everything but namespace, image and connection Secret (tests start here). */
  public static KubernetesSettings defaults(String namespace, String image, String secret) {
    return new KubernetesSettings(
        namespace,
        image,
        null,
        List.of(),
        null,
        Map.of("cpu", new Quantity("500m"), "memory", new Quantity("512Mi")),
        Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")),
        Map.of(),
        Map.of(),
        List.of(),
        null,
        null,
        4,
        21_600,
        Duration.ofMinutes(10),
        false,
        secret,
        null,
        null,
        DEFAULT_ROWS_PER_LIMIT_STEP);
  }
}
