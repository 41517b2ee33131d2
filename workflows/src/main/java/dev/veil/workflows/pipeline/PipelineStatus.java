package dev.veil.workflows.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Answer of the {@code status} query.
 *
 * @param pipelineId the pipeline
 * @param version the config version the next run uses
 * @param schedule its cron schedule, or {@code null}
 * @param state idle, running, paused, ending or ended
 * @param paused whether scheduled fires are paused (also while a run is in flight)
 * @param currentRunId the run in flight (query its {@code progress}), or {@code null}
 * @param nextFireAtMillis the next scheduled fire (epoch millis, workflow time), or {@code null}
 * @param lastRuns the last {@value #KEPT_RUNS} runs and skipped fires, newest last
 * @param runsStarted runs started over the pipeline's whole life
 * @param skippedFires fires skipped because a run was still going
 * @param scheduleError why the schedule cannot be used, or {@code null}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineStatus(
    String pipelineId,
    String version,
    String schedule,
    PipelineState state,
    boolean paused,
    String currentRunId,
    Long nextFireAtMillis,
    List<RunRecord> lastRuns,
    long runsStarted,
    long skippedFires,
    String scheduleError) {

  public static final int KEPT_RUNS = 30;
}
