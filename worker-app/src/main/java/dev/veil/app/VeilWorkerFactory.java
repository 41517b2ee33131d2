package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.config.PipelineSource;
import dev.veil.workflows.activities.ReportingActivities;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.executor.TaskExecutor;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.VeilWorker;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * {@code worker:} whether this process polls the {@code veil} task queue, and how much it takes on
 * at once.
 *
 * <p>Two limits, because Temporal's own one counts every activity type alike: {@code
 * maxConcurrentActivities} is {@code WorkerOptions.setMaxConcurrentActivityExecutionSize} (all
 * activities: config, planning, staging, swap and table tasks). {@code maxConcurrentTasks} caps
 * only the heavy table-task activities ({@code RunTableTask}) with a semaphore in front of the task
 * activity: a task that gets an activity slot while the cap is reached waits for a permit and keeps
 * heartbeating meanwhile (so it is not timed out and still learns of cancellation). The semaphore
 * is what keeps a worker from streaming more tables than its CPU and memory allow while still
 * leaving slots for the short activities of other runs. Keep {@code maxConcurrentTasks} below
 * {@code maxConcurrentActivities}.
 */
public class VeilWorkerFactory {

  /** Whether this process runs a worker at all ({@code server} can be API-only). */
  private boolean enabled = true;

  /** Activity slots of the worker, all activity types together. */
  @Min(2)
  @Max(1000)
  private int maxConcurrentActivities = 16;

  /** Table tasks this worker streams at once. */
  @Min(1)
  @Max(500)
  private int maxConcurrentTasks = 4;

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

  /** Leaves at least one activity slot for the short activities. */
  @JsonIgnore
  @AssertTrue(message = "must hold: maxConcurrentTasks < maxConcurrentActivities")
  public boolean isTaskCapBelowActivitySlots() {
    return maxConcurrentTasks < maxConcurrentActivities;
  }

  /** Worker settings; sticky execution off when {@code devServer} (DESIGN §4). */
  public VeilWorker.Settings settings(boolean devServer) {
    return new VeilWorker.Settings(maxConcurrentActivities, maxConcurrentTasks, devServer);
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
}
