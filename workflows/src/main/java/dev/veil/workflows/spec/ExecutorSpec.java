package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How the tasks of a run are executed. Where they execute (local or Kubernetes) is the worker's
 * configuration, not the pipeline's.
 *
 * @param taskTimeoutMinutes longest time one table task may take (default 360)
 * @param heartbeatTimeoutSeconds a task that does not heartbeat for this long is retried (default 30)
 * @param maxAttempts attempts per task, retries included (default 5)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutorSpec(
    Integer taskTimeoutMinutes, Integer heartbeatTimeoutSeconds, Integer maxAttempts) {

  public static final ExecutorSpec DEFAULTS = new ExecutorSpec(360, 30, 5);

  public ExecutorSpec withDefaults() {
    return new ExecutorSpec(
        taskTimeoutMinutes == null ? DEFAULTS.taskTimeoutMinutes : taskTimeoutMinutes,
        heartbeatTimeoutSeconds == null ? DEFAULTS.heartbeatTimeoutSeconds : heartbeatTimeoutSeconds,
        maxAttempts == null ? DEFAULTS.maxAttempts : maxAttempts);
  }
}
