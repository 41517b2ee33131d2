package dev.veil.workflows.plan;

import dev.veil.workflows.spec.PipelineSpec;

/** Input of planning: the spec and the id of the run being planned. */
public record PlanRequest(PipelineSpec spec, String runId) {}
