package dev.veil.workflows.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a {@link PipelineWorkflow} carries across continue-as-new.
 *
 * @param runsStarted runs started so far (the {@code n} of the next run id is this plus one)
 * @param paused whether scheduled fires are paused
 * @param runNowPending a {@code runNow} not yet acted on
 * @param recentRuns the last runs and skipped fires, newest last
 * @param skippedFires fires skipped because a run was still going
 * @param nextFireAtMillis the next scheduled fire, or {@code null}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineMemory(
    long runsStarted,
    boolean paused,
    boolean runNowPending,
    List<RunRecord> recentRuns,
    long skippedFires,
    Long nextFireAtMillis) {}
