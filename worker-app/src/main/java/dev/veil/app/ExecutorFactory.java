package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.executor.LocalTaskExecutor;
import dev.veil.activities.executor.TaskExecutor;
import dev.veil.activities.rules.MaskingKey;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * {@code executor:} where table tasks run. Only {@code local} (streams in the worker JVM) exists so
 * far; {@code kubernetes} (one pod per task) comes later.
 */
public class ExecutorFactory {

  /** The executors this build has. */
  public static final String LOCAL = "local";

  @NotNull
  @Pattern(
      regexp = LOCAL,
      message =
          "must be 'local' (the only executor in this version; 'kubernetes' is not available yet)")
  private String type = LOCAL;

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
    if (!LOCAL.equals(type)) {
      throw new IllegalArgumentException(
          "executor.type: unknown executor '" + type + "' (this version has: local)");
    }
    return new LocalTaskExecutor(connections, key);
  }
}
