package dev.veil.workflows.run;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One run of a pipeline: plan → prepare staging → copy tables (at most {@code maxActiveTasks} at
 * once) → finalize (keys, indexes, swap). Workflow id {@code veil-run-<pipelineId>-<n>}; type
 * {@code PipelineRun}. A failed or cancelled run drops its staging schema and leaves the previous
 * twin exactly as it was.
 */
@WorkflowInterface
public interface PipelineRunWorkflow {

  /**
   * Runs the pipeline once.
   *
   * @return the summary of a successful or signal-cancelled run
   * @throws io.temporal.failure.ApplicationFailure when planning or a table fails; the message
   *     names the table
   */
  @WorkflowMethod(name = "PipelineRun")
  RunSummary run(PipelineRunInput input);

  /** Stops the run: running tasks are cancelled, staging is dropped, the target stays as it was. */
  @SignalMethod
  void cancel(CancelRequest request);

  /** Live progress per table. */
  @QueryMethod
  RunProgress progress();
}
