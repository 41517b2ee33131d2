package dev.veil.workflows.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Result of the {@code runNow} update: the id of the run it started. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunNowResult(String runId) {}
