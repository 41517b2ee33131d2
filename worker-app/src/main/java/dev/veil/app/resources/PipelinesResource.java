package dev.veil.app.resources;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.config.PipelineSource;
import dev.veil.app.api.PipelineList;
import dev.veil.app.api.RunRef;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.RunConflictException;
import dev.veil.app.core.TemporalUnavailableException;
import dev.veil.app.core.UnknownPipelineException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code /api/pipelines}: which pipelines this agent has, and starting a run of one. */
@Path("/api/pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class PipelinesResource {

  private final PipelineSource pipelines;
  private final PipelineRunStarter starter;

  public PipelinesResource(PipelineSource pipelines, PipelineRunStarter starter) {
    this.pipelines = pipelines;
    this.starter = starter;
  }

  @GET
  public PipelineList list() {
    return new PipelineList(pipelines.ids());
  }

  /**
   * Starts a run through the pipeline's workflow (its {@code runNow} update): 202 with its id; 400
   * with every problem of an invalid spec; 404 for an unknown pipeline; 409 while a run of the
   * pipeline is in flight. {@code runId} is no longer accepted: the pipeline names its runs.
   */
  @POST
  @Path("/{id}/runs")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response start(@PathParam("id") String pipelineId, @QueryParam("runId") String runId) {
    try {
      if (runId != null) {
        throw new IllegalArgumentException(
            "runId: the pipeline's workflow names its runs (veil-run-<pipeline>-<n>-<random>)");
      }
      String id = starter.runNow(pipelineId, "REST API");
      return Response.accepted(new RunRef(id)).build();
    } catch (UnknownPipelineException e) {
      throw ApiErrors.of(Response.Status.NOT_FOUND, e.getMessage());
    } catch (InvalidSpecException e) {
      throw ApiErrors.of(
          Response.Status.BAD_REQUEST, "invalid pipeline " + pipelineId, e.problems());
    } catch (IllegalArgumentException e) {
      throw ApiErrors.of(Response.Status.BAD_REQUEST, e.getMessage());
    } catch (RunConflictException e) {
      throw ApiErrors.of(Response.Status.CONFLICT, e.getMessage());
    } catch (TemporalUnavailableException e) {
      throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
    }
  }
}
