package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.workflows.spec.PipelineSpec;

/**
 * Input of planning.
 *
 * @param spec the spec
 * @param runId the run's workflow id
 * @param runUid a UUID drawn by the run workflow ({@code Workflow.randomUUID()}): unique for ever,
 *     even where workflow ids repeat (an in-memory dev server that restarted); names the run's
 *     build database. {@code null} in histories recorded before the database twin.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlanRequest(PipelineSpec spec, String runId, String runUid) {
  public PlanRequest(PipelineSpec spec, String runId) {
    this(spec, runId, null);
  }
}
