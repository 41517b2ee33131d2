package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.config.PipelineSource;
import dev.veil.workflows.activities.ReportingActivities;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.executor.TaskExecutor;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.VeilWorker;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * {@code worker:} whether this process polls Temporal, which task queues, and how much it takes on
 * at once.
 *
 * <p>Two task queues, two limits, both Temporal's own ({@code
 * WorkerOptions.setMaxConcurrentActivityExecutionSize}): {@code maxConcurrentActivities} slots on
 * {@code veil} for the short activities (config, planning, staging, swap, reporting), {@code
 * maxConcurrentTasks} slots on {@code veil-tasks} for table chunks (the kubernetes executor uses
 * {@code executor.kubernetes.maxConcurrentPods} instead). A chunk no worker has a free slot for
 * waits in Temporal until one has, and a backlog on {@code veil-tasks} is what task-only workers
 * ({@code role: tasks}) scale on.
 */
public class VeilWorkerFactory {

  /** Polls both task queues: workflows, short activities and table chunks. */
  public static final String ROLE_ALL = "all";

  /** Polls only {@code veil-tasks}: copies table chunks and nothing else. */
  public static final String ROLE_TASKS = "tasks";

  /** Whether this process runs a worker at all ({@code server} can be API-only). */
  private boolean enabled = true;

  /** {@code all} or {@code tasks} (a task-only worker). */
  @NotNull
  @Pattern(regexp = ROLE_ALL + "|" + ROLE_TASKS, message = "must be 'all' or 'tasks'")
  private String role = ROLE_ALL;

  /** Activity slots on {@code veil}, for the short activities. */
  @Min(1)
  @Max(1000)
  private int maxConcurrentActivities = 16;

  /** Table chunks this worker streams at once: its activity slots on {@code veil-tasks}. */
  @Min(1)
  @Max(500)
  private int maxConcurrentTasks = 4;

  @JsonProperty
  public String getRole() {
    return role;
  }

  @JsonProperty
  public void setRole(String role) {
    this.role = role;
  }

  @JsonProperty
  public boolean isEnabled() {
    return enabled;
  }

  @JsonProperty
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  @JsonProperty
  public int getMaxConcurrentActivities() {
    return maxConcurrentActivities;
  }

  @JsonProperty
  public void setMaxConcurrentActivities(int maxConcurrentActivities) {
    this.maxConcurrentActivities = maxConcurrentActivities;
  }

  @JsonProperty
  public int getMaxConcurrentTasks() {
    return maxConcurrentTasks;
  }

  @JsonProperty
  public void setMaxConcurrentTasks(int maxConcurrentTasks) {
    this.maxConcurrentTasks = maxConcurrentTasks;
  }

  /** Worker settings; sticky execution off when {@code devServer} (DESIGN §4). */
  public VeilWorker.Settings settings(boolean devServer) {
    return new VeilWorker.Settings(
        maxConcurrentActivities, maxConcurrentTasks, devServer, ROLE_TASKS.equals(role));
  }

  /** The worker with Veil's real activities; the caller manages its lifecycle. */
  public VeilWorker build(
      TemporalClients clients,
      boolean devServer,
      PipelineSource pipelines,
      ConnectionRegistry connections,
      TaskExecutor executor) {
    return VeilWorker.create(clients, settings(devServer), pipelines, connections, executor);
  }

  /** The worker with Veil's real activities, reporting runs through {@code reporting}. */
  public VeilWorker build(
      TemporalClients clients,
      boolean devServer,
      PipelineSource pipelines,
      ConnectionRegistry connections,
      TaskExecutor executor,
      ReportingActivities reporting) {
    return VeilWorker.create(
        clients, settings(devServer), pipelines, connections, executor, reporting);
  }

  /**
   * The worker with Veil's real activities, reporting runs through {@code reporting}, its privacy
   * reports naming the masking key and signed (see {@link MaskingFactory#buildReportKey()}),
   * finding pg_dump and pg_restore in {@code pgBinDir} (configuration {@code postgres.binDir};
   * null: {@code VEIL_PG_BIN}, then PATH), delivery runs writing to {@code storages}.
   */
  public VeilWorker build(
      TemporalClients clients,
      boolean devServer,
      PipelineSource pipelines,
      ConnectionRegistry connections,
      TaskExecutor executor,
      ReportingActivities reporting,
      MaskingFactory masking,
      String pgBinDir,
      dev.veil.activities.delivery.DeliveryStorages storages) {
    return VeilWorker.create(clients, settings(devServer), pipelines, connections, executor,
        reporting, pgBinDir, masking.build().orElse(null), masking.buildReportKey().orElse(null),
        storages);
  }
}
