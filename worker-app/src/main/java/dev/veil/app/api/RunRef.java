package dev.veil.app.api;

/** Answer of {@code POST /api/pipelines/{id}/runs} and {@code POST /api/runs/{runId}/cancel}. */
public record RunRef(String runId) {}
