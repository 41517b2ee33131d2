package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.delivery.DeliveryStorages;
import dev.veil.activities.executor.LocalTaskExecutor;
import dev.veil.activities.executor.TaskExecutor;
import dev.veil.activities.rules.MaskingKey;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * {@code executor:} where table tasks run: {@code local} (streams in the worker JVM) or {@code
 * kubernetes} (one bounded redaction pod per task, settings under {@code executor.kubernetes:}).
 */
public class ExecutorFactory {

  /** The executors this build has. */
  public static final String LOCAL = "local";

  public static final String KUBERNETES = "kubernetes";

  @NotNull
  @Pattern(regexp = LOCAL + "|" + KUBERNETES, message = "must be 'local' or 'kubernetes'")
  private String type = LOCAL;

  @Valid @NotNull private KubernetesExecutorFactory kubernetes = new KubernetesExecutorFactory();

  @JsonProperty
  public KubernetesExecutorFactory getKubernetes() {
    return kubernetes;
  }

  @JsonProperty
  public void setKubernetes(KubernetesExecutorFactory kubernetes) {
    this.kubernetes = kubernetes;
  }

  /** A kubernetes executor needs its settings complete; checked when the file is loaded. */
  @JsonIgnore
  @AssertTrue(
      message =
          "executor.type kubernetes needs executor.kubernetes.image (the agent image) and"
              + " executor.kubernetes.connectionSecret (the Secret with <connection>.url/.user/"
              + ".password)")
  public boolean isKubernetesConfigured() {
    return !KUBERNETES.equals(type)
        || (kubernetes.getImage() != null && !kubernetes.getImage().isBlank()
            && kubernetes.getConnectionSecret() != null
            && !kubernetes.getConnectionSecret().isBlank());
  }

  @JsonProperty
  public String getType() {
    return type;
  }

  @JsonProperty
  public void setType(String type) {
    this.type = type;
  }

  /**
   * The executor for this configuration.
   *
   * @param key the masking key, or {@code null}: keyed rules then fail with a message naming {@code
   *     VEIL_MASKING_KEY}
   */
  public TaskExecutor build(ConnectionRegistry connections, MaskingKey key) {
    return build(connections, key, DeliveryStorages.none());
  }

  /** As {@link #build(ConnectionRegistry, MaskingKey)}; local chunks of deliveries use storages. */
  public TaskExecutor build(
      ConnectionRegistry connections, MaskingKey key, DeliveryStorages storages) {
    if (KUBERNETES.equals(type)) {
      return kubernetes.build();
    }
    if (!LOCAL.equals(type)) {
      throw new IllegalArgumentException(
          "executor.type: unknown executor '" + type + "' (this version has: local, kubernetes)");
    }
    return new LocalTaskExecutor(connections, key, storages);
  }
}
