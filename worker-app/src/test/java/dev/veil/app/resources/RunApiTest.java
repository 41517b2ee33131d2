package dev.veil.app.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.app.api.PipelineList;
import dev.veil.app.api.RunRef;
import dev.veil.app.api.RunStatus;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.RunCanceller;
import dev.veil.app.core.RunStatusReader;
import dev.veil.app.testing.Eventually;
import dev.veil.app.testing.FakeActivities;
import dev.veil.app.testing.FakePipelineSource;
import dev.veil.app.testing.InProcessTemporal;
import dev.veil.workflows.Veil;
import dev.veil.workflows.pipeline.PipelineWorkflow;
import dev.veil.workflows.run.RunState;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST resources against a real (in-process) Temporal running the real workflow. */
@ExtendWith(DropwizardExtensionsSupport.class)
class RunApiTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static final InProcessTemporal temporal =
      new InProcessTemporal(
          new FakePipelineSource()
              .with("shop")
              .withInvalid("broken", "rules.public.users.email.rule: unknown rule 'mask'"));
  private static final RunStatusReader reader = new RunStatusReader(temporal.clients);

  static final ResourceExtension resources =
      ResourceExtension.builder()
          .addResource(
              new PipelinesResource(
                  temporal.pipelines,
                  new PipelineRunStarter(temporal.clients.client(), temporal.pipelines)))
          .addResource(
              new RunsResource(reader, new RunCanceller(temporal.clients.client(), reader)))
          .build();

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  @AfterEach
  void letTasksFinish() {
    temporal.activities.releaseTasks();
    // runs go through the pipeline's workflow, one at a time: the next test's run needs it idle
    PipelineWorkflow shop =
        temporal.clients.client()
            .newWorkflowStub(PipelineWorkflow.class, Veil.pipelineWorkflowId("shop"));
    Eventually.await(
        () -> {
          try {
            return shop.status().currentRunId() == null;
          } catch (io.temporal.client.WorkflowNotFoundException
              | io.temporal.client.WorkflowServiceException e) {
            return true;
          }
        },
        idle -> idle,
        WAIT);
    temporal.activities.holdTasks();
  }

  @Test
  void listsThePipelineIds() {
    PipelineList list = resources.target("/api/pipelines").request().get(PipelineList.class);
    assertEquals(List.of("broken", "shop"), list.pipelines());
  }

  @Test
  void startingARunAnswers202WithItsIdAndTheRunShowsLiveProgress() {
    Response started = startRun("shop");
    assertEquals(202, started.getStatus());
    String runId = started.readEntity(RunRef.class).runId();
    assertTrue(runId.startsWith("veil-run-shop-"), runId);

    RunStatus status =
        Eventually.await(
            () -> resources.target("/api/runs/" + runId).request().get(RunStatus.class),
            s -> s.rowsDone() == (FakeActivities.CUSTOMERS + FakeActivities.ORDERS) / 2,
            WAIT);
    assertEquals(RunStatus.Outcome.RUNNING, status.outcome());
    assertEquals(RunState.COPYING, status.state());
    assertEquals(2, status.tables().size());
  }

  @Test
  void cancellingARunAnswers202AndTheRunEndsCancelled() {
    String runId = startRun("shop").readEntity(RunRef.class).runId();
    Eventually.await(() -> reader.read(runId), s -> s.rowsDone() > 0, WAIT);

    Response cancelled =
        resources
            .target("/api/runs/" + runId + "/cancel")
            .request()
            .post(Entity.json(Map.of("reason", "wrong pipeline")));
    assertEquals(202, cancelled.getStatus());
    assertEquals(runId, cancelled.readEntity(RunRef.class).runId());

    RunStatus status = Eventually.await(() -> reader.read(runId), RunStatus::finished, WAIT);
    assertEquals(RunStatus.Outcome.CANCELLED, status.outcome());
    assertTrue(status.error().contains("wrong pipeline"), status.error());

    Response again =
        resources.target("/api/runs/" + runId + "/cancel").request().post(Entity.json("{}"));
    assertError(again, 409, "already finished");
  }

  @Test
  void cancelTakesNoBodyToo() {
    String runId = startRun("shop").readEntity(RunRef.class).runId();
    // cancel once it copies: the Java test server can stall a cancel that races the planning
    // activity (ACTIVITY_UNKNOWN), a quirk of the test server, not of Veil
    Eventually.await(() -> reader.read(runId), s -> s.rowsDone() > 0, WAIT);
    Response cancelled =
        resources
            .target("/api/runs/" + runId + "/cancel")
            .request()
            .post(Entity.entity("", MediaType.APPLICATION_JSON));
    assertEquals(202, cancelled.getStatus());
    assertEquals(
        RunStatus.Outcome.CANCELLED,
        Eventually.await(() -> reader.read(runId), RunStatus::finished, WAIT).outcome());
  }

  @Test
  void anInvalidSpecAnswers400WithEveryProblemAndStartsNothing() {
    Response response = startRun("broken");
    JsonNode body = assertError(response, 400, "invalid pipeline broken");
    assertEquals(
        "rules.public.users.email.rule: unknown rule 'mask'", body.get("problems").get(0).asText());
  }

  @Test
  void anUnknownPipelineAnswers404() {
    assertError(startRun("nope"), 404, "no pipeline 'nope'");
  }

  @Test
  void anUnknownRunAnswers404OnStatusAndCancel() {
    assertError(resources.target("/api/runs/veil-run-x-1").request().get(), 404, "no run");
    assertError(
        resources.target("/api/runs/veil-run-x-1/cancel").request().post(Entity.json("{}")),
        404,
        "no run");
  }

  @Test
  void aSecondRunWhileOneIsInFlightAnswers409AndRunsAreThePipelineWorkflowsChildren() {
    String runId = startRun("shop").readEntity(RunRef.class).runId();
    assertTrue(runId.matches("veil-run-shop-\\d+-[0-9a-f]{8}"), runId);
    PipelineWorkflow shop =
        temporal.clients.client()
            .newWorkflowStub(PipelineWorkflow.class, Veil.pipelineWorkflowId("shop"));
    assertEquals(runId, shop.status().currentRunId(), "the pipeline's workflow runs it");

    assertError(startRun("shop"), 409, "run " + runId + " of pipeline shop is still going");
  }

  private static Response startRun(String pipelineId) {
    return resources
        .target("/api/pipelines/" + pipelineId + "/runs")
        .request()
        .post(Entity.json("{}"));
  }

  private static JsonNode assertError(Response response, int code, String messagePart) {
    assertEquals(code, response.getStatus());
    assertEquals(MediaType.APPLICATION_JSON_TYPE, response.getMediaType());
    JsonNode body = response.readEntity(JsonNode.class);
    assertEquals(code, body.get("code").asInt());
    assertTrue(body.get("message").asText().contains(messagePart), body.toString());
    return body;
  }
}
