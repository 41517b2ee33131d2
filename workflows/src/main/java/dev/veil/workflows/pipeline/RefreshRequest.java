package dev.veil.workflows.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.veil.workflows.spec.PipelineSpec;

/** Argument of the {@code refresh} signal: the new validated spec, with its version. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RefreshRequest(PipelineSpec spec) {}
