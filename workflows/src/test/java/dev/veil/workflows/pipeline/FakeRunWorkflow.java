package dev.veil.workflows.pipeline;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.run.CancelRequest;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.RunProgress;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the real run workflow, so the pipeline tests are about scheduling only: a run
 * takes {@code maxActiveTasks} minutes of workflow time, copies 100 rows, fails when the spec's
 * version starts with {@code broken}, and ends CANCELLED on the {@code cancel} signal. What each
 * run was given is kept by run id (replays put the same value again).
 */
public class FakeRunWorkflow implements PipelineRunWorkflow {

  static final Map<String, PipelineRunInput> INPUTS = new ConcurrentHashMap<>();

  private String cancelReason;
  private RunState state = RunState.COPYING;

  @Override
  public RunSummary run(PipelineRunInput input) {
    String runId = Workflow.getInfo().getWorkflowId();
    INPUTS.put(runId, input);
    long started = Workflow.currentTimeMillis();
    if (input.spec().version().startsWith("broken")) {
      throw ApplicationFailure.newNonRetryableFailure(
          "table public.orders failed: boom", FailureTypes.TASK_FAILED);
    }
    Workflow.await(
        Duration.ofMinutes(input.spec().effectiveMaxActiveTasks()), () -> cancelReason != null);
    state = cancelReason != null ? RunState.CANCELLED : RunState.SUCCEEDED;
    return new RunSummary(
        input.pipelineId(),
        runId,
        state,
        List.of(),
        cancelReason != null ? 0 : 100,
        Workflow.currentTimeMillis() - started,
        cancelReason,
        List.of());
  }

  @Override
  public void cancel(CancelRequest request) {
    cancelReason = request.reason();
  }

  @Override
  public RunProgress progress() {
    return new RunProgress(null, null, state, List.of(), 0, null, List.of());
  }
}
