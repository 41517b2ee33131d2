package dev.veil.app.core;

import dev.veil.workflows.run.CancelRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels runs: by default with the workflow's {@code cancel} signal (running tasks are cancelled,
 * staging is dropped, the run completes as {@code CANCELLED} with its summary); natively with
 * Temporal cancellation on request, which behaves the same but ends the workflow as {@code
 * CANCELED}.
 */
public final class RunCanceller {

  private static final Logger log = LoggerFactory.getLogger(RunCanceller.class);

  private final WorkflowClient client;
  private final RunStatusReader reader;

  public RunCanceller(WorkflowClient client, RunStatusReader reader) {
    this.client = client;
    this.reader = reader;
  }

  /**
   * Asks a running run to stop; returns once Temporal has recorded the request.
   *
   * @param reason shown in the run's summary; {@code null} for a default
   * @param nativeCancel use Temporal cancellation instead of the {@code cancel} signal
   * @throws UnknownRunException if there is no such run
   * @throws RunConflictException if the run has already finished
   */
  public void cancel(String runId, String reason, boolean nativeCancel) {
    RunStatusReader.RunHandle run = reader.handle(runId);
    if (!run.running()) {
      throw new RunConflictException(
          "run " + runId + " has already finished (" + run.workflowStatus() + ")");
    }
    WorkflowStub stub = client.newUntypedWorkflowStub(runId);
    try {
      if (nativeCancel) {
        stub.cancel();
      } else {
        stub.signal("cancel", new CancelRequest(reason));
      }
    } catch (WorkflowNotFoundException e) {
      throw new RunConflictException("run " + runId + " has already finished");
    }
    log.info(
        "cancel requested pipeline={} run={} mode={}",
        run.pipelineId(),
        runId,
        nativeCancel ? "native" : "signal");
  }
}
