package dev.veil.app.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.cloud.CloudApiClient;
import dev.veil.activities.cloud.CloudPipelineSource;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.testing.FakeCloudApi;
import dev.veil.app.testing.FakePipelineSource;
import dev.veil.app.testing.InProcessTemporal;
import dev.veil.workflows.Veil;
import dev.veil.workflows.pipeline.PipelineState;
import dev.veil.workflows.pipeline.PipelineStatus;
import dev.veil.workflows.pipeline.PipelineWorkflow;
import dev.veil.workflows.spec.PipelineSpec;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link PipelineReconciler} against the in-process Temporal server with the real workflows. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PipelineReconcilerTest {

  private final FakePipelineSource source = new FakePipelineSource();
  private final List<String> reported = new ArrayList<>();
  private InProcessTemporal temporal;
  private PipelineReconciler reconciler;

  @BeforeEach
  void start() {
    temporal = new InProcessTemporal(source);
    reconciler = reconcilerOf(source);
  }

  private PipelineReconciler reconcilerOf(PipelineSource s) {
    return new PipelineReconciler(
        temporal.clients.client(),
        s,
        (id, problems) -> reported.add(id + " " + problems),
        Duration.ofMinutes(1));
  }

  @AfterEach
  void stop() {
    temporal.close();
  }

  private static PipelineSpec spec(String id, String version) {
    return FakePipelineSource.spec(id).withVersion(version);
  }

  private PipelineStatus status(String id) {
    return temporal
        .clients
        .client()
        .newWorkflowStub(PipelineWorkflow.class, Veil.pipelineWorkflowId(id))
        .status();
  }

  @Test
  void newConfigsStartTheirWorkflowAndUnchangedOnesAreLeftAlone() {
    source.put(spec("shop", "v1")).put(spec("crm", "v1"));

    PipelineReconciler.Report first = reconciler.reconcile();

    assertEquals(List.of("crm", "shop"), first.started());
    assertEquals("v1", status("shop").version());
    assertEquals(PipelineState.IDLE, status("crm").state());
    PipelineReconciler.Report second = reconciler.reconcile();
    assertEquals(List.of(), second.started());
    assertEquals(List.of(), second.refreshed());
    assertEquals(2, reconciler.pipelineCount());
  }

  @Test
  void changedVersionIsSentAsRefreshAndARestartedReconcilerLeavesCurrentOnesAlone() {
    source.put(spec("shop", "v1")).put(spec("crm", "v1"));
    reconciler.reconcile();
    source.put(spec("shop", "v2"));

    PipelineReconciler.Report report = reconciler.reconcile();

    assertEquals(List.of("shop"), report.refreshed());
    assertEquals("v2", status("shop").version());
    assertEquals("v1", status("crm").version());
    PipelineReconciler.Report afterRestart = reconcilerOf(source).reconcile();
    assertEquals(List.of(), afterRestart.started());
    assertEquals(List.of(), afterRestart.refreshed(), "each workflow already holds its version");
  }

  @Test
  void removedConfigEndsItsWorkflow() throws Exception {
    source.put(spec("shop", "v1")).put(spec("crm", "v1"));
    reconciler.reconcile();
    source.remove("crm");

    PipelineReconciler.Report report = reconciler.reconcile();

    assertEquals(List.of("crm"), report.removed());
    PipelineStatus last =
        WorkflowStub.fromTyped(
                temporal
                    .clients
                    .client()
                    .newWorkflowStub(PipelineWorkflow.class, Veil.pipelineWorkflowId("crm")))
            .getResult(30, TimeUnit.SECONDS, PipelineStatus.class);
    assertEquals(PipelineState.ENDED, last.state());
    assertEquals(PipelineState.IDLE, status("shop").state());

    source.put(spec("crm", "v3"));
    assertEquals(List.of("crm"), reconciler.reconcile().started(), "a config added again lives again");
    assertEquals("v3", status("crm").version());
  }

  @Test
  void brokenConfigIsReportedOnceAndDoesNotDisturbTheOthers() {
    source.put(spec("shop", "v1"));
    source.withInvalid("bad", "schedule: not a valid 5-field cron expression");

    PipelineReconciler.Report report = reconciler.reconcile();

    assertEquals(List.of("shop"), report.started());
    assertEquals(
        Map.of("bad", List.of("schedule: not a valid 5-field cron expression")), report.invalid());
    assertEquals(List.of("bad [schedule: not a valid 5-field cron expression]"), reported);
    reconciler.reconcile();
    assertEquals(1, reported.size(), "the same problem is reported once");
  }

  @Test
  void unreadableSourceChangesNothing() {
    source.put(spec("shop", "v1"));
    reconciler.reconcile();
    PipelineSource down =
        new PipelineSource() {
          @Override
          public List<String> ids() {
            throw new IllegalStateException("GET /v1/pipelines: HTTP 503 after 4 attempts");
          }

          @Override
          public Optional<PipelineSpec> find(String id) {
            throw new IllegalStateException("unreachable");
          }
        };
    PipelineReconciler.Report report = reconcilerOf(down).reconcile();
    assertEquals(List.of(), report.removed());
    assertEquals(PipelineState.IDLE, status("shop").state());
  }

  @Test
  void cloudConfigsAreReconciledAndABrokenOneIsPostedAsAnAgentEvent() throws Exception {
    try (FakeCloudApi api = new FakeCloudApi("tok")) {
      api.put("shop", "{\"id\":\"shop\",\"source\":{\"connection\":\"test-source\"},"
          + "\"target\":{\"connection\":\"test-target\"}}", "e1");
      api.put("bad", "{\"id\":\"bad\",\"maxActiveTasks\":1000,\"source\":{\"connection\":\"s\"},"
          + "\"target\":{\"connection\":\"t\"}}", "e1");
      CloudApiClient client =
          new CloudApiClient(
              new CloudApiClient.Settings(api.url(), "tok", Duration.ofSeconds(5), 2,
                  Duration.ofMillis(10)));
      CloudAgent agent = new CloudAgent(client, "agent-7", Duration.ofMinutes(1), () -> true, () -> 1);
      PipelineReconciler cloud =
          new PipelineReconciler(
              temporal.clients.client(), new CloudPipelineSource(client), agent,
              Duration.ofMinutes(1));

      assertEquals(List.of("shop"), cloud.reconcile().started());
      assertEquals("e1", status("shop").version());
      List<FakeCloudApi.Received> events = api.posts("/v1/agents/agent-7/events");
      assertEquals(1, events.size());
      assertEquals("CONFIG_INVALID", events.get(0).json().get("type").asText());
      assertEquals("bad", events.get(0).json().get("pipelineId").asText());
      assertTrue(
          events.get(0).json().get("problems").get(0).asText().startsWith("maxActiveTasks:"),
          events.get(0).body());

      int bodies = api.bodiesSent();
      cloud.reconcile();
      assertEquals(bodies + 1, api.bodiesSent(), "only the broken config is downloaded again");

      assertTrue(agent.heartbeat());
      var beat = api.posts("/v1/agents/agent-7/heartbeat").get(0).json();
      assertEquals("agent-7", beat.get("agentId").asText());
      assertEquals(1, beat.get("pipelines").asInt());
      assertTrue(beat.get("healthy").asBoolean());
    }
  }

  @Test
  void aTerminatedPipelineWorkflowIsStartedAgainWhileItsConfigExists() {
    source.put(spec("shop", "v1"));
    assertEquals(List.of("shop"), reconciler.reconcile().started());
    WorkflowStub workflow =
        temporal.clients.client().newUntypedWorkflowStub(Veil.pipelineWorkflowId("shop"));
    String firstRun = workflow.describe().getExecution().getRunId();
    workflow.terminate("the probe terminated it");
    assertEquals(
        io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
        temporal.clients.client().newUntypedWorkflowStub(Veil.pipelineWorkflowId("shop"))
            .describe().getStatus());

    PipelineReconciler.Report report = reconciler.reconcile();

    assertEquals(List.of("shop"), report.started());
    var now =
        temporal.clients.client().newUntypedWorkflowStub(Veil.pipelineWorkflowId("shop"))
            .describe();
    assertEquals(
        io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        now.getStatus());
    assertTrue(!now.getExecution().getRunId().equals(firstRun), "a new run");
    assertEquals("v1", status("shop").version());
    assertEquals(List.of(), reconciler.reconcile().started(), "and only once");
  }

  @Test
  void aPipelineWorkflowMissingFromTheServerIsStartedAgainByAFreshReconciler() {
    source.put(spec("crm", "v1"));
    reconciler.reconcile();
    temporal.clients.client().newUntypedWorkflowStub(Veil.pipelineWorkflowId("crm"))
        .terminate("gone");
    // a fresh agent process knows nothing of what the last one applied
    assertEquals(List.of("crm"), reconcilerOf(source).reconcile().started());
    assertEquals(PipelineState.IDLE, status("crm").state());
  }
}
