package dev.veil.workflows.run;

import static dev.veil.workflows.run.RunFixtures.PIPELINE;
import static dev.veil.workflows.run.RunFixtures.RUN_ID;
import static dev.veil.workflows.run.RunFixtures.activityMock;
import static dev.veil.workflows.run.RunFixtures.spec;
import static dev.veil.workflows.run.RunFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import dev.veil.workflows.Veil;
import dev.veil.workflows.activities.ConfigActivities;
import dev.veil.workflows.activities.PlanningActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays recorded histories of delivery runs (the {@code data-delivery} branch), so that a change
 * to that branch which would break deliveries in flight fails the build. Record them anew, as for
 * {@link PipelineRunReplayTest}, with
 *
 * <pre>mvn -B -q -pl workflows test -Dtest=DeliveryRunReplayTest -Dveil.recordHistories=true</pre>
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeliveryRunReplayTest {

  private static final String RECORD = "veil.recordHistories";
  private static final String SUCCESS = "histories/pipeline-run-delivery-success.json";
  private static final String CANCELLED = "histories/pipeline-run-delivery-cancelled.json";

  @Test
  @DisabledIfSystemProperty(named = RECORD, matches = "true")
  void publishedDeliveryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(SUCCESS), PipelineRunWorkflowImpl.class);
  }

  @Test
  @DisabledIfSystemProperty(named = RECORD, matches = "true")
  void cancelledDeliveryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(CANCELLED), PipelineRunWorkflowImpl.class);
  }

  @Test
  @EnabledIfSystemProperty(named = RECORD, matches = "true")
  void recordHistories() throws Exception {
    record(SUCCESS, new FakeTaskActivities(), run -> assertEquals(RunState.SUCCEEDED,
        run.run(PipelineRunInput.of(PIPELINE)).state()));
    FakeTaskActivities waiting = new FakeTaskActivities();
    waiting.otherwise(FakeTaskActivities::untilCancelled);
    record(CANCELLED, waiting, run -> {
      WorkflowClient.start(run::run, PipelineRunInput.of(PIPELINE));
      FakeTaskActivities.await("two tasks run", () -> waiting.inFlight() >= 2);
      run.cancel(new CancelRequest("recorded"));
      assertEquals(RunState.CANCELLED,
          WorkflowStub.fromTyped(run).getResult(RunSummary.class).state());
    });
  }

  @FunctionalInterface
  private interface Scenario {
    void drive(PipelineRunWorkflow run) throws Exception;
  }

  private static void record(String resource, FakeTaskActivities tasks, Scenario scenario)
      throws Exception {
    ConfigActivities config = activityMock(ConfigActivities.class);
    PlanningActivities planning = activityMock(PlanningActivities.class);
    when(config.fetchPipeline(PIPELINE)).thenReturn(spec());
    when(planning.plan(any()))
        .thenReturn(FakeDelivery.plan(2, table("orders", 3, 30_000), table("customers", 1, 900)));
    TestEnvironmentOptions options =
        TestEnvironmentOptions.newBuilder()
            .setWorkflowClientOptions(
                WorkflowClientOptions.newBuilder().setIdentity("veil-history-recorder").build())
            .build();
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options)) {
      Worker worker = env.newWorker(Veil.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class);
      worker.registerActivitiesImplementations(config, planning, new FakeDelivery());
      env.newWorker(Veil.TABLE_TASK_QUEUE).registerActivitiesImplementations(tasks);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      PipelineRunWorkflow run =
          client.newWorkflowStub(
              PipelineRunWorkflow.class,
              WorkflowOptions.newBuilder().setWorkflowId(RUN_ID).setTaskQueue(Veil.TASK_QUEUE)
                  .build());
      scenario.drive(run);
      String json = client.fetchHistory(RUN_ID).toJson(true);
      Path file = Path.of("src/test/resources").resolve(resource);
      Files.createDirectories(file.getParent());
      Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    }
  }

  private static String history(String resource) throws IOException {
    try (var in = DeliveryRunReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing; see the class comment");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
