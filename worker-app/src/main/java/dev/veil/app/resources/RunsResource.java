package dev.veil.app.resources;

import dev.veil.app.api.CancelRunRequest;
import dev.veil.app.api.RunRef;
import dev.veil.app.api.RunStatus;
import dev.veil.app.core.RunCanceller;
import dev.veil.app.core.RunConflictException;
import dev.veil.app.core.RunStatusReader;
import dev.veil.app.core.TemporalUnavailableException;
import dev.veil.app.core.UnknownRunException;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code /api/runs/{runId}}: a run's progress, and cancelling it. */
@Path("/api/runs/{runId}")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

  private final RunStatusReader reader;
  private final RunCanceller canceller;

  public RunsResource(RunStatusReader reader, RunCanceller canceller) {
    this.reader = reader;
    this.canceller = canceller;
  }

  /** Progress with live rows of running chunks; 404 for an unknown run. */
  @GET
  public RunStatus status(@PathParam("runId") String runId) {
    try {
      return reader.read(runId);
    } catch (UnknownRunException e) {
      throw ApiErrors.of(Response.Status.NOT_FOUND, e.getMessage());
    } catch (TemporalUnavailableException e) {
      throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
    }
  }

  /**
   * Asks the run to stop (the {@code cancel} signal; {@code ?native=true} for Temporal
   * cancellation): 202; 404 for an unknown run; 409 if it has already finished.
   */
  @POST
  @Path("/cancel")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response cancel(
      @PathParam("runId") String runId,
      @QueryParam("native") @DefaultValue("false") boolean nativeCancel,
      @Valid CancelRunRequest request) {
    try {
      canceller.cancel(runId, request == null ? null : request.reason(), nativeCancel);
      return Response.accepted(new RunRef(runId)).build();
    } catch (UnknownRunException e) {
      throw ApiErrors.of(Response.Status.NOT_FOUND, e.getMessage());
    } catch (RunConflictException e) {
      throw ApiErrors.of(Response.Status.CONFLICT, e.getMessage());
    } catch (TemporalUnavailableException e) {
      throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
    }
  }
}
