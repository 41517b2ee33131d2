package dev.veil.activities.executor.kubernetes;

import static dev.veil.activities.executor.TaskRunner.MASKING_KEY;
import static dev.veil.activities.executor.TaskRunner.SOURCE_PASSWORD;
import static dev.veil.activities.executor.TaskRunner.SOURCE_URL;
import static dev.veil.activities.executor.TaskRunner.SOURCE_USER;
import static dev.veil.activities.executor.TaskRunner.TARGET_PASSWORD;
import static dev.veil.activities.executor.TaskRunner.TARGET_URL;
import static dev.veil.activities.executor.TaskRunner.TARGET_USER;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.veil.activities.executor.TaskRunner;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.spec.ResourcesSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that builds redaction pods. A pod runs the agent image with {@code veil run-task
 * --task <json>}; it gets credentials only through {@code env.valueFrom.secretKeyRef}, a hardened
 * security context, {@code restartPolicy: Never} and an {@code activeDeadlineSeconds}, resources
 * from the worker's defaults (scaled with the table's size up to a cap) or the pipeline's
 * {@code resources} (capped by {@code maxResources}), and placement from the worker's configuration merged with the pipeline's.
 */
public final class PodSpecs {

  public static final String CONTAINER = "veil";
  /** Non-root uid/gid of the agent image (see the Dockerfile). */
  public static final long RUN_AS_USER = 10001L;

  private PodSpecs() {}

  /** The pod of one attempt of {@code task}. */
  public static Pod build(KubernetesSettings settings, TableTask task, int attempt) {
    String taskJson;
    try {
      taskJson = TaskRunner.JSON.writeValueAsString(task);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize task " + task.taskId(), e);
    }
    Map<String, Quantity> limits = limits(settings, task);
    Map<String, Quantity> requests = requests(settings, task, limits);
    return new PodBuilder()
        .withNewMetadata()
        .withName(PodNames.podName(task, attempt))
        .withNamespace(settings.namespace())
        .withLabels(PodNames.labels(task, attempt))
        .addToAnnotations(PodNames.RUN_ID_ANNOTATION, task.runId())
        .addToAnnotations(PodNames.TASK_ID_ANNOTATION, task.taskId())
        .withOwnerReferences(
            settings.owner() == null ? List.of() : List.of(settings.owner()))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withActiveDeadlineSeconds(settings.activeDeadlineSeconds())
        .withServiceAccountName(settings.serviceAccountName())
        // the pod needs no Kubernetes API access
        .withAutomountServiceAccountToken(false)
        .withPriorityClassName(settings.priorityClassName())
        .withImagePullSecrets(
            settings.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
        .withNodeSelector(nodeSelector(settings, task))
        .withTolerations(tolerations(settings, task))
        .withAffinity(settings.affinity())
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS_USER)
        .withRunAsGroup(RUN_AS_USER)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(settings.image())
        .withImagePullPolicy(settings.imagePullPolicy())
        .withArgs("run-task", "--task", taskJson)
        .withEnv(env(settings, task))
        .withNewResources()
        .withRequests(requests)
        .withLimits(limits)
        .endResources()
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withPrivileged(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        // the JVM wants a writable /tmp (perf data, temp files); the root filesystem is read-only
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .withSizeLimit(new Quantity("256Mi"))
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }

  private static List<EnvVar> env(KubernetesSettings settings, TableTask task) {
    List<EnvVar> env = new ArrayList<>();
    String secret = settings.connectionSecret();
    env.add(secretEnv(SOURCE_URL, secret, task.sourceConnection() + ".url", false));
    env.add(secretEnv(SOURCE_USER, secret, task.sourceConnection() + ".user", true));
    env.add(secretEnv(SOURCE_PASSWORD, secret, task.sourceConnection() + ".password", true));
    env.add(secretEnv(TARGET_URL, secret, task.targetConnection() + ".url", false));
    env.add(secretEnv(TARGET_USER, secret, task.targetConnection() + ".user", true));
    env.add(secretEnv(TARGET_PASSWORD, secret, task.targetConnection() + ".password", true));
    if (settings.maskingKeySecretName() != null && !settings.maskingKeySecretName().isBlank()) {
      env.add(
          secretEnv(
              MASKING_KEY, settings.maskingKeySecretName(), settings.maskingKeySecretKey(), false));
    }
    env.add(
        new EnvVarBuilder()
            .withName("JAVA_TOOL_OPTIONS")
            .withValue("-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError")
            .build());
    return env;
  }

  private static EnvVar secretEnv(String name, String secret, String key, boolean optional) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(optional ? Boolean.TRUE : null)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  /**
   * The pipeline's {@code resources} when it has them; else the worker's default limits, scaled by
   * one step per {@code rowsPerLimitStep} estimated rows when {@code maxLimits} is set. Never above
   * {@code maxLimits} ({@code maxResources}), whoever asks.
   */
  static Map<String, Quantity> limits(KubernetesSettings settings, TableTask task) {
    Map<String, Quantity> limits = new LinkedHashMap<>(settings.limits());
    ResourcesSpec override = task.resources();
    if (override != null && (override.cpu() != null || override.memory() != null)) {
      if (override.cpu() != null) {
        limits.put("cpu", new Quantity(override.cpu()));
      }
      if (override.memory() != null) {
        limits.put("memory", new Quantity(override.memory()));
      }
      return capped(settings, limits);
    }
    if (settings.maxLimits().isEmpty() || task.estimatedRows() <= settings.rowsPerLimitStep()) {
      return limits;
    }
    long steps =
        Math.min(64, (task.estimatedRows() + settings.rowsPerLimitStep() - 1)
            / settings.rowsPerLimitStep());
    Map<String, Quantity> scaled = new LinkedHashMap<>();
    limits.forEach(
        (resource, base) ->
            scaled.put(
                resource,
                quantity(
                    resource,
                    Quantity.getAmountInBytes(base).multiply(BigDecimal.valueOf(steps)))));
    return capped(settings, scaled);
  }

  private static Map<String, Quantity> capped(
      KubernetesSettings settings, Map<String, Quantity> limits) {
    Map<String, Quantity> capped = new LinkedHashMap<>(limits);
    capped.replaceAll(
        (resource, limit) -> {
          Quantity cap = settings.maxLimits().get(resource);
          return cap != null
                  && Quantity.getAmountInBytes(limit).compareTo(Quantity.getAmountInBytes(cap)) > 0
              ? cap
              : limit;
        });
    return capped;
  }

  /**
   * The default requests, or equal to the limits for a pipeline's own {@code resources}; never
   * above the limits (Kubernetes rejects that).
   */
  static Map<String, Quantity> requests(
      KubernetesSettings settings, TableTask task, Map<String, Quantity> limits) {
    ResourcesSpec override = task.resources();
    Map<String, Quantity> requests = new LinkedHashMap<>(settings.requests());
    if (override != null && override.cpu() != null) {
      requests.put("cpu", new Quantity(override.cpu()));
    }
    if (override != null && override.memory() != null) {
      requests.put("memory", new Quantity(override.memory()));
    }
    requests.replaceAll(
        (resource, request) -> {
          Quantity limit = limits.get(resource);
          return limit != null
                  && Quantity.getAmountInBytes(request).compareTo(Quantity.getAmountInBytes(limit))
                      > 0
              ? limit
              : request;
        });
    return requests;
  }

  private static Quantity quantity(String resource, BigDecimal amount) {
    if ("cpu".equals(resource)) {
      long millis = amount.multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.UP).longValue();
      return new Quantity(millis + "m");
    }
    long mebibytes =
        amount.divide(BigDecimal.valueOf(1024L * 1024L), 0, RoundingMode.UP).longValue();
    return new Quantity(mebibytes + "Mi");
  }

  private static Map<String, String> nodeSelector(KubernetesSettings settings, TableTask task) {
    Map<String, String> selector = new LinkedHashMap<>(settings.nodeSelector());
    if (task.nodeSelector() != null) {
      selector.putAll(task.nodeSelector());
    }
    return selector;
  }

  private static List<Toleration> tolerations(KubernetesSettings settings, TableTask task) {
    List<Toleration> tolerations = new ArrayList<>(settings.tolerations());
    if (task.tolerations() != null) {
      for (dev.veil.workflows.spec.Toleration t : task.tolerations()) {
        tolerations.add(
            new TolerationBuilder()
                .withKey(t.key())
                .withOperator(t.operator())
                .withValue(t.value())
                .withEffect(t.effect())
                .withTolerationSeconds(t.tolerationSeconds())
                .build());
      }
    }
    return tolerations;
  }
}
