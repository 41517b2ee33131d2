package dev.veil.workflows.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Asks the reporting activity to upload the worker's recent log lines of a failed task.
 *
 * @param runId the run
 * @param pipelineId its pipeline
 * @param task the failed task
 * @param error the task's (safe) error message
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LogTailRequest(String runId, String pipelineId, String task, String error) {}
