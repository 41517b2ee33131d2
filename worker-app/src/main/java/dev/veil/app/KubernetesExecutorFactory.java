package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.activities.executor.kubernetes.AgentOwner;
import dev.veil.activities.executor.kubernetes.KubernetesSettings;
import dev.veil.activities.executor.kubernetes.KubernetesTaskExecutor;
import io.dropwizard.util.Duration;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code executor.kubernetes:} how redaction pods are made when {@code executor.type: kubernetes}.
 * The Helm chart renders the same keys. Credentials never appear here: pods read them from the
 * Secret named by {@code connectionSecret} (keys {@code <connection>.url}, {@code .user}, {@code
 * .password}) and {@code maskingKeySecret}.
 */
public class KubernetesExecutorFactory {

  /** Where the service-account token mounts the pod's own namespace. */
  static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private static final ObjectMapper MODEL = new ObjectMapper();

  /** Empty: this pod's own namespace (service-account file), else the client's, else default. */
  private String namespace = "";

  /** The agent image the pods run ({@code veil run-task}). */
  private String image = "";

  @Pattern(regexp = "|Always|IfNotPresent|Never", message = "must be Always, IfNotPresent or Never")
  private String imagePullPolicy = "";

  @NotNull private List<String> imagePullSecrets = new ArrayList<>();

  private String serviceAccountName = "";

  @Valid @NotNull private ResourcesFactory resources = new ResourcesFactory();

  /** Cap of the limits when they scale with a table's estimated rows; empty: no scaling. */
  @NotNull private Map<String, String> maxResources = new LinkedHashMap<>();

  @NotNull private Map<String, String> nodeSelector = new LinkedHashMap<>();

  /** Kubernetes tolerations, same shape as in a pod spec. */
  @NotNull private List<Map<String, Object>> tolerations = new ArrayList<>();

  /** Kubernetes affinity, passed through as is. */
  private Map<String, Object> affinity;

  private String priorityClassName = "";

  @Min(1)
  @Max(1000)
  private int maxConcurrentPods = 4;

  @Min(60)
  private long activeDeadlineSeconds = 21_600;

  @NotNull private Duration pendingTimeout = Duration.minutes(10);

  private boolean keepFailedPods;

  /** Secret with {@code <connection>.url/.user/.password}. */
  private String connectionSecret = "";

  @Valid @NotNull private SecretKeyFactory maskingKeySecret = new SecretKeyFactory();

  /** {@code resources:} default requests and limits of a redaction pod. */
  public static class ResourcesFactory {
    @NotNull private Map<String, String> requests = new LinkedHashMap<>(
        Map.of("cpu", "500m", "memory", "512Mi"));
    @NotNull private Map<String, String> limits = new LinkedHashMap<>(
        Map.of("cpu", "1", "memory", "1Gi"));

    @JsonProperty
    public Map<String, String> getRequests() {
      return requests;
    }

    @JsonProperty
    public void setRequests(Map<String, String> requests) {
      this.requests = requests;
    }

    @JsonProperty
    public Map<String, String> getLimits() {
      return limits;
    }

    @JsonProperty
    public void setLimits(Map<String, String> limits) {
      this.limits = limits;
    }
  }

  /** {@code maskingKeySecret: {name, key}}; no name: pods get no masking key. */
  public static class SecretKeyFactory {
    private String name = "";
    private String key = KubernetesSettings.DEFAULT_MASKING_KEY_SECRET_KEY;

    @JsonProperty
    public String getName() {
      return name;
    }

    @JsonProperty
    public void setName(String name) {
      this.name = name;
    }

    @JsonProperty
    public String getKey() {
      return key;
    }

    @JsonProperty
    public void setKey(String key) {
      this.key = key;
    }
  }

  /** The executor; a client from the pod's service account or the local kubeconfig. */
  public KubernetesTaskExecutor build() {
    KubernetesClient client = new KubernetesClientBuilder().build();
    KubernetesSettings settings = settings(client.getNamespace());
    // in a pod: the redaction pods belong to it, and go when it goes
    return new KubernetesTaskExecutor(
        client,
        settings.withOwner(
            AgentOwner.fromEnvironment(System.getenv(), settings.namespace()).orElse(null)));
  }

  /**
   * The validated settings.
   *
   * @param clientNamespace the client's namespace (kubeconfig), used when neither {@code
   *     namespace} nor the service-account file says
   * @throws IllegalArgumentException naming the key that is missing or wrong
   */
  public KubernetesSettings settings(String clientNamespace) {
    return new KubernetesSettings(
        resolveNamespace(clientNamespace),
        blankToNull(image),
        blankToNull(imagePullPolicy),
        imagePullSecrets,
        blankToNull(serviceAccountName),
        quantities("resources.requests", resources.requests),
        quantities("resources.limits", resources.limits),
        quantities("maxResources", maxResources),
        nodeSelector,
        convert("tolerations", tolerations, Toleration[].class),
        affinity == null || affinity.isEmpty() ? null : convert("affinity", affinity, Affinity.class),
        blankToNull(priorityClassName),
        maxConcurrentPods,
        activeDeadlineSeconds,
        java.time.Duration.ofMillis(pendingTimeout.toMilliseconds()),
        keepFailedPods,
        blankToNull(connectionSecret),
        blankToNull(maskingKeySecret.name),
        blankToNull(maskingKeySecret.key),
        0);
  }

  private String resolveNamespace(String clientNamespace) {
    if (namespace != null && !namespace.isBlank()) {
      return namespace;
    }
    try {
      if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
        String own = Files.readString(SERVICE_ACCOUNT_NAMESPACE, StandardCharsets.UTF_8).strip();
        if (!own.isEmpty()) {
          return own;
        }
      }
    } catch (IOException e) {
      // fall through to the client's namespace
    }
    return clientNamespace == null || clientNamespace.isBlank() ? "default" : clientNamespace;
  }

  private static Map<String, Quantity> quantities(String key, Map<String, String> values) {
    Map<String, Quantity> quantities = new LinkedHashMap<>();
    values.forEach(
        (resource, value) -> {
          try {
            Quantity q = new Quantity(value);
            Quantity.getAmountInBytes(q);
            quantities.put(resource, q);
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                "executor.kubernetes." + key + "." + resource + ": '" + value
                    + "' is not a Kubernetes quantity (e.g. 500m, 2, 512Mi, 1Gi)");
          }
        });
    return quantities;
  }

  private static <T> T convert(String key, Object value, Class<T> type) {
    try {
      return MODEL.convertValue(value, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "executor.kubernetes." + key + ": not a Kubernetes " + type.getSimpleName().replace("[]", " list")
              + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  private static <T> List<T> convert(String key, List<Map<String, Object>> value, Class<T[]> type) {
    return List.of(convert(key, (Object) value, type));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @JsonProperty
  public String getNamespace() {
    return namespace;
  }

  @JsonProperty
  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  @JsonProperty
  public String getImage() {
    return image;
  }

  @JsonProperty
  public void setImage(String image) {
    this.image = image;
  }

  @JsonProperty
  public String getImagePullPolicy() {
    return imagePullPolicy;
  }

  @JsonProperty
  public void setImagePullPolicy(String imagePullPolicy) {
    this.imagePullPolicy = imagePullPolicy;
  }

  @JsonProperty
  public List<String> getImagePullSecrets() {
    return imagePullSecrets;
  }

  @JsonProperty
  public void setImagePullSecrets(List<String> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets == null ? new ArrayList<>() : imagePullSecrets;
  }

  @JsonProperty
  public String getServiceAccountName() {
    return serviceAccountName;
  }

  @JsonProperty
  public void setServiceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
  }

  @JsonProperty
  public ResourcesFactory getResources() {
    return resources;
  }

  @JsonProperty
  public void setResources(ResourcesFactory resources) {
    this.resources = resources;
  }

  @JsonProperty
  public Map<String, String> getMaxResources() {
    return maxResources;
  }

  @JsonProperty
  public void setMaxResources(Map<String, String> maxResources) {
    this.maxResources = maxResources == null ? new LinkedHashMap<>() : maxResources;
  }

  @JsonProperty
  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  @JsonProperty
  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector == null ? new LinkedHashMap<>() : nodeSelector;
  }

  @JsonProperty
  public List<Map<String, Object>> getTolerations() {
    return tolerations;
  }

  @JsonProperty
  public void setTolerations(List<Map<String, Object>> tolerations) {
    this.tolerations = tolerations == null ? new ArrayList<>() : tolerations;
  }

  @JsonProperty
  public Map<String, Object> getAffinity() {
    return affinity;
  }

  @JsonProperty
  public void setAffinity(Map<String, Object> affinity) {
    this.affinity = affinity;
  }

  @JsonProperty
  public String getPriorityClassName() {
    return priorityClassName;
  }

  @JsonProperty
  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  @JsonProperty
  public int getMaxConcurrentPods() {
    return maxConcurrentPods;
  }

  @JsonProperty
  public void setMaxConcurrentPods(int maxConcurrentPods) {
    this.maxConcurrentPods = maxConcurrentPods;
  }

  @JsonProperty
  public long getActiveDeadlineSeconds() {
    return activeDeadlineSeconds;
  }

  @JsonProperty
  public void setActiveDeadlineSeconds(long activeDeadlineSeconds) {
    this.activeDeadlineSeconds = activeDeadlineSeconds;
  }

  @JsonProperty
  public Duration getPendingTimeout() {
    return pendingTimeout;
  }

  @JsonProperty
  public void setPendingTimeout(Duration pendingTimeout) {
    this.pendingTimeout = pendingTimeout;
  }

  @JsonProperty
  public boolean isKeepFailedPods() {
    return keepFailedPods;
  }

  @JsonProperty
  public void setKeepFailedPods(boolean keepFailedPods) {
    this.keepFailedPods = keepFailedPods;
  }

  @JsonProperty
  public String getConnectionSecret() {
    return connectionSecret;
  }

  @JsonProperty
  public void setConnectionSecret(String connectionSecret) {
    this.connectionSecret = connectionSecret;
  }

  @JsonProperty
  public SecretKeyFactory getMaskingKeySecret() {
    return maskingKeySecret;
  }

  @JsonProperty
  public void setMaskingKeySecret(SecretKeyFactory maskingKeySecret) {
    this.maskingKeySecret = maskingKeySecret;
  }
}
