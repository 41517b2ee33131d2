package dev.veil.workflows.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One event of a run, as posted to {@code POST /v1/runs/{runId}/events}. Carries counts and safe
 * messages only (table names, SQLSTATE-level errors), never a row value or a credential.
 *
 * @param runId the run
 * @param pipelineId its pipeline
 * @param seq 1, 2, 3… in the order the run emitted them
 * @param type what happened
 * @param task the table task ({@code schema.table#chunk}), for task events
 * @param table the table, for task events
 * @param rows rows copied (the task's, or the table's so far, or the run's)
 * @param rowsEstimated the table's estimated rows, for progress
 * @param millis how long the task or the run took
 * @param message error or cancel reason, for failures
 * @param atMillis workflow time of the event
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunEvent(
    String runId,
    String pipelineId,
    long seq,
    RunEventType type,
    String task,
    String table,
    Long rows,
    Long rowsEstimated,
    Long millis,
    String message,
    long atMillis) {}
