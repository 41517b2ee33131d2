package dev.veil.app.resources;

import dev.veil.activities.cloud.RecentLogs;
import dev.veil.activities.scrub.Scrubber;
import dev.veil.app.api.CancelRunRequest;
import dev.veil.app.core.NoPipelineWorkflowException;
import dev.veil.app.core.PipelineControl;
import dev.veil.app.core.PipelineReconciler;
import dev.veil.app.core.TemporalUnavailableException;
import dev.veil.workflows.pipeline.PipelineStatus;
import dev.veil.workflows.pipeline.RunRecord;
import jakarta.validation.Valid;
import dev.veil.activities.config.InvalidSpecException;
import dev.veil.app.api.RunRef;
import dev.veil.app.core.RunConflictException;
import dev.veil.app.core.UnknownPipelineException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /api/dashboard/pipelines}: the pipeline workflows — list with status, one pipeline's
 * status and last runs, and run-now / cancel-run / pause / resume; {@code POST
 * /api/dashboard/reconcile} reconciles at once.
 */
@Path("/api/dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineControlResource {

  private final PipelineControl control;
  private final PipelineReconciler reconciler;

  private final RecentLogs logs;
  private final Scrubber scrubber;

  public PipelineControlResource(
      PipelineControl control,
      PipelineReconciler reconciler,
      RecentLogs logs,
      Scrubber scrubber) {
    this.control = control;
    this.reconciler = reconciler;
    this.logs = logs;
    this.scrubber = scrubber;
  }

  /**
   * The agent's recent log lines of a run (the last {@value #TAIL_LINES}), scrubbed of secrets and
   * quoted values; empty when this agent process did not log that run.
   */
  @GET
  @Path("/runs/{runId}/logs")
  public Map<String, List<String>> logs(@PathParam("runId") String runId) {
    return Map.of("lines", scrubber.scrubLog(logs.tail(runId, TAIL_LINES)));
  }

  static final int TAIL_LINES = 50;

  /** Every pipeline with its workflow's status (state, current run, last runs, next fire). */
  @GET
  @Path("/pipelines")
  public Map<String, List<PipelineControl.PipelineView>> list() {
    return Map.of("pipelines", call(control::list));
  }

  /** One pipeline's status; 404 when it has no workflow. */
  @GET
  @Path("/pipelines/{id}")
  public PipelineStatus status(@PathParam("id") String id) {
    return call(() -> control.status(id));
  }

  /** The pipeline's last runs (and skipped fires), newest last. */
  @GET
  @Path("/pipelines/{id}/runs")
  public Map<String, List<RunRecord>> runs(@PathParam("id") String id) {
    return Map.of("runs", call(() -> control.status(id)).lastRuns());
  }

  /**
   * Starts a run now (the {@code runNow} update): 202 with its id; 409 while a run is in flight.
   */
  @POST
  @Path("/pipelines/{id}/run-now")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response runNow(@PathParam("id") String id) {
    try {
      return Response.accepted(new RunRef(call(() -> control.runNow(id)))).build();
    } catch (RunConflictException e) {
      throw ApiErrors.of(Response.Status.CONFLICT, e.getMessage());
    } catch (UnknownPipelineException e) {
      throw ApiErrors.of(Response.Status.NOT_FOUND, e.getMessage());
    } catch (InvalidSpecException e) {
      throw ApiErrors.of(Response.Status.BAD_REQUEST, "invalid pipeline " + id, e.problems());
    }
  }

  /** Cancels the run in flight, if any (the {@code cancelRun} signal): 202. */
  @POST
  @Path("/pipelines/{id}/cancel-run")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response cancelRun(@PathParam("id") String id, @Valid CancelRunRequest request) {
    String reason = request == null || request.reason() == null ? "cancelled from the dashboard"
        : request.reason();
    return accepted(() -> control.cancelRun(id, reason));
  }

  /** Pauses scheduled fires: 202. */
  @POST
  @Path("/pipelines/{id}/pause")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response pause(@PathParam("id") String id) {
    return accepted(() -> control.pause(id));
  }

  /** Resumes scheduled fires: 202. */
  @POST
  @Path("/pipelines/{id}/resume")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response resume(@PathParam("id") String id) {
    return accepted(() -> control.resume(id));
  }

  /** Reconciles the pipeline source with the workflows now; answers what it did. */
  @POST
  @Path("/reconcile")
  @Consumes(MediaType.APPLICATION_JSON)
  public PipelineReconciler.Report reconcile() {
    return call(reconciler::reconcile);
  }

  private static Response accepted(Runnable action) {
    call(
        () -> {
          action.run();
          return null;
        });
    return Response.accepted(Map.of("status", "accepted")).build();
  }

  private static <T> T call(Supplier<T> action) {
    try {
      return action.get();
    } catch (NoPipelineWorkflowException e) {
      throw ApiErrors.of(Response.Status.NOT_FOUND, e.getMessage());
    } catch (TemporalUnavailableException e) {
      throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
    }
  }
}
