package dev.veil.workflows.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One run (or skipped fire) of a pipeline, as kept in its status.
 *
 * @param runId the run's workflow id; for a skipped fire, the run that was still going
 * @param version the config version it ran with
 * @param trigger what fired it
 * @param outcome how it ended ({@code RUNNING} while in flight)
 * @param startedAtMillis workflow time it was started (or skipped)
 * @param millis how long it took, 0 while running or when skipped
 * @param rows rows copied
 * @param error why it failed, was cancelled or skipped
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
    String runId,
    String version,
    RunTrigger trigger,
    RunOutcome outcome,
    long startedAtMillis,
    long millis,
    long rows,
    String error) {}
