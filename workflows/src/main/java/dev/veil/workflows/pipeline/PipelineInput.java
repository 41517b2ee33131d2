package dev.veil.workflows.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.workflows.spec.PipelineSpec;

/**
 * Input of the {@link PipelineWorkflow}.
 *
 * @param pipelineId the pipeline
 * @param spec its validated spec, with {@code version}; connection names only, no credentials
 * @param memory state carried over by continue-as-new, {@code null} on first start
 * @param runsPerExecution runs after which the workflow continues as new (default {@value
 *     #DEFAULT_RUNS_PER_EXECUTION}); it also does when the history passes {@value
 *     #HISTORY_EVENTS_LIMIT} events or the server suggests it
 * @param report {@code true}: its runs report to the cloud API (see {@code PipelineRunInput})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineInput(
    String pipelineId,
    PipelineSpec spec,
    PipelineMemory memory,
    Integer runsPerExecution,
    Boolean report) {

  public PipelineInput(
      String pipelineId, PipelineSpec spec, PipelineMemory memory, Integer runsPerExecution) {
    this(pipelineId, spec, memory, runsPerExecution, null);
  }

  public static final int DEFAULT_RUNS_PER_EXECUTION = 100;
  public static final int HISTORY_EVENTS_LIMIT = 5_000;

  public static PipelineInput of(PipelineSpec spec) {
    return new PipelineInput(spec.id(), spec, null, null);
  }

  public int effectiveRunsPerExecution() {
    return runsPerExecution == null || runsPerExecution < 1
        ? DEFAULT_RUNS_PER_EXECUTION
        : runsPerExecution;
  }
}
