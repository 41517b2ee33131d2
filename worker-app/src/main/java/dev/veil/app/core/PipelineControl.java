package dev.veil.app.core;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.config.PipelineSource;
import dev.veil.workflows.Veil;
import dev.veil.workflows.pipeline.PauseRequest;
import dev.veil.workflows.pipeline.PipelineStatus;
import dev.veil.workflows.pipeline.PipelineWorkflow;
import dev.veil.workflows.pipeline.ResumeRequest;
import dev.veil.workflows.run.CancelRequest;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads and steers the {@code PipelineWorkflow}s: their status (a Temporal query), and the {@code
 * runNow}, {@code cancelRun}, {@code pause} and {@code resume} signals.
 */
public final class PipelineControl {

  /**
   * One pipeline as the dashboard lists it.
   *
   * @param id pipeline id
   * @param status its workflow's status, or {@code null} when it has none (yet)
   * @param problem why the config cannot be used (validation problems), or {@code null}
   */
  public record PipelineView(String id, PipelineStatus status, String problem) {}

  private final WorkflowClient client;
  private final PipelineSource source;

  public PipelineControl(WorkflowClient client, PipelineSource source) {
    this.client = client;
    this.source = source;
  }

  /** Every pipeline of the source with its workflow's status. */
  public List<PipelineView> list() {
    List<PipelineView> views = new ArrayList<>();
    for (String id : source.ids()) {
      String problem = null;
      try {
        source.find(id);
      } catch (InvalidSpecException e) {
        problem = String.join("; ", e.problems());
      } catch (RuntimeException e) {
        problem = "cannot read: " + e.getMessage();
      }
      views.add(new PipelineView(id, statusOrNull(id), problem));
    }
    return views;
  }

  /**
   * The status of a pipeline's workflow.
   *
   * @throws NoPipelineWorkflowException when it has no workflow
   */
  public PipelineStatus status(String pipelineId) {
    PipelineStatus status = statusOrNull(pipelineId);
    if (status == null) {
      throw new NoPipelineWorkflowException(
          "pipeline " + pipelineId + " has no workflow (not in the pipeline source, or not"
              + " reconciled yet)");
    }
    return status;
  }

  private PipelineStatus statusOrNull(String pipelineId) {
    try {
      return stub(pipelineId).status();
    } catch (WorkflowNotFoundException | WorkflowQueryException e) {
      return null;
    } catch (WorkflowServiceException e) {
      if (e.getCause() instanceof StatusRuntimeException s
          && s.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return null;
      }
      throw new TemporalUnavailableException("the frontend", e.getMessage(), e);
    }
  }

  /**
   * Starts a run through the pipeline's {@code runNow} update and returns its id.
   *
   * @throws NoPipelineWorkflowException when the pipeline has no workflow or it has ended
   * @throws RunConflictException while a run is in flight
   */
  public String runNow(String pipelineId) {
    PipelineStatus status = status(pipelineId);
    if (status.state() == dev.veil.workflows.pipeline.PipelineState.ENDED) {
      throw new NoPipelineWorkflowException("pipeline " + pipelineId + " has ended");
    }
    return new PipelineRunStarter(client, source).runNow(pipelineId, "dashboard");
  }

  public void cancelRun(String pipelineId, String reason) {
    signal(pipelineId, w -> w.cancelRun(new CancelRequest(reason)));
  }

  public void pause(String pipelineId) {
    signal(pipelineId, w -> w.pause(new PauseRequest("dashboard")));
  }

  public void resume(String pipelineId) {
    signal(pipelineId, w -> w.resume(new ResumeRequest("dashboard")));
  }

  private void signal(String pipelineId, Consumer<PipelineWorkflow> signal) {
    PipelineStatus status = status(pipelineId);
    if (status.state() == dev.veil.workflows.pipeline.PipelineState.ENDED) {
      throw new NoPipelineWorkflowException("pipeline " + pipelineId + " has ended");
    }
    try {
      signal.accept(stub(pipelineId));
    } catch (WorkflowNotFoundException e) {
      throw new NoPipelineWorkflowException("pipeline " + pipelineId + " has ended");
    }
  }

  private PipelineWorkflow stub(String pipelineId) {
    return client.newWorkflowStub(PipelineWorkflow.class, Veil.pipelineWorkflowId(pipelineId));
  }
}
