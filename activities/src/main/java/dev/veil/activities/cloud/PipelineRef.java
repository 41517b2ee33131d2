package dev.veil.activities.cloud;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One entry of {@code GET /v1/pipelines}: a pipeline id and its current config version. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PipelineRef(String id, String version) {}
