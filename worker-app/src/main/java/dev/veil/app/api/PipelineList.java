package dev.veil.app.api;

import java.util.List;

/** Answer of {@code GET /api/pipelines}: the ids the agent's pipeline source holds, sorted. */
public record PipelineList(List<String> pipelines) {}
