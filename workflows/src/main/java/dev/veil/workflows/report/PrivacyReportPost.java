package dev.veil.workflows.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Asks the reporting activity to post a run's signed privacy report.
 *
 * @param runId the run
 * @param pipelineId its pipeline
 * @param report the report's JSON exactly as signed (names and counts, never a value)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PrivacyReportPost(String runId, String pipelineId, String report) {}
