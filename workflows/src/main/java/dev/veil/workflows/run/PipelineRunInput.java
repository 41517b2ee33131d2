package dev.veil.workflows.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.workflows.spec.PipelineSpec;

/**
 * Input of a run: {@code {"pipelineId":"demo"}} is enough, so that {@code temporal workflow start
 * --type PipelineRun --task-queue veil --input '{"pipelineId":"demo"}'} works.
 *
 * @param pipelineId the pipeline to run
 * @param spec the spec to run instead of fetching it by id (a parent workflow passes the version
 *     it holds); never carries credentials, only connection names
 * @param report {@code true}: send run events and failed tasks' log tails to the cloud API
 *     (pipelines of a cloud-connected agent); absent: no reporting
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineRunInput(String pipelineId, PipelineSpec spec, Boolean report) {
  public PipelineRunInput(String pipelineId, PipelineSpec spec) {
    this(pipelineId, spec, null);
  }

  public static PipelineRunInput of(String pipelineId) {
    return new PipelineRunInput(pipelineId, null);
  }

  /** Whether the run reports its events through {@code ReportingActivities}. */
  public boolean reports() {
    return Boolean.TRUE.equals(report);
  }
}
