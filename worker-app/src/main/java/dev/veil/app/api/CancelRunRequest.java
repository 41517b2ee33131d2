package dev.veil.app.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Optional body of {@code POST /api/runs/{runId}/cancel}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CancelRunRequest(String reason) {}
