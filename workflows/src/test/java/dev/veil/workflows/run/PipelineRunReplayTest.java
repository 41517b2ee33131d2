package dev.veil.workflows.run;

import static dev.veil.workflows.run.RunFixtures.PIPELINE;
import static dev.veil.workflows.run.RunFixtures.RUN_ID;
import static dev.veil.workflows.run.RunFixtures.activityMock;
import static dev.veil.workflows.run.RunFixtures.plan;
import static dev.veil.workflows.run.RunFixtures.spec;
import static dev.veil.workflows.run.RunFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import dev.veil.workflows.Veil;
import dev.veil.workflows.activities.ConfigActivities;
import dev.veil.workflows.activities.PlanningActivities;
import dev.veil.workflows.activities.TargetActivities;
import dev.veil.workflows.plan.ChunkRange;
import dev.veil.workflows.plan.SwapResult;
import dev.veil.workflows.spec.TableMode;
import dev.veil.workflows.verify.LeakFinding;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays recorded histories of {@link PipelineRunWorkflowImpl}, so that a change to the workflow
 * that would break runs in flight (a new, dropped or reordered command) fails the build.
 *
 * <p>The histories in {@code src/test/resources/histories/} were recorded from runs with faked
 * activities, as in {@link PipelineRunWorkflowTest}. When a change to the workflow is meant to be
 * incompatible (and guarded by {@code Workflow.getVersion}), record them anew from the module
 * directory with
 *
 * <pre>mvn -B -q -pl workflows test -Dtest=PipelineRunReplayTest -Dveil.recordHistories=true</pre>
 *
 * (the replay tests skip themselves in that invocation) and commit them; keep the old ones too,
 * under new names, while runs of the old shape may still be in flight.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PipelineRunReplayTest {

  private static final String RECORD = "veil.recordHistories";
  /** Recorded with the leak check between the build and the swap. */
  private static final String LEAK_CHECK_SUCCESS =
      "histories/pipeline-run-leak-check-success.json";
  private static final String LEAK_FOUND = "histories/pipeline-run-leak-found.json";
  /** Recorded before the leak check: the build is followed by the swap. */
  private static final String SUCCESS = "histories/pipeline-run-twin-success.json";
  private static final String CANCELLED = "histories/pipeline-run-twin-cancelled.json";
  private static final String SNAPSHOT_LOST = "histories/pipeline-run-twin-snapshot-lost.json";
  /** Recorded before the database twin (staging schema, table swap): the old path replays. */
  private static final String STAGING_SUCCESS = "histories/pipeline-run-success.json";
  private static final String STAGING_CANCELLED = "histories/pipeline-run-cancelled.json";

  @Test
  @DisabledIfSystemProperty(named = RECORD, matches = "true")
  void successfulRunWithTheLeakCheckReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        history(LEAK_CHECK_SUCCESS), PipelineRunWorkflowImpl.class);
  }

  @Test
  @DisabledIfSystemProperty(named = RECORD, matches = "true")
  void runStoppedByALeakReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(LEAK_FOUND), PipelineRunWorkflowImpl.class);
  }

  @Test
  @DisabledIfSystemProperty(named = RECORD, matches = "true")
  void successfulRunRecordedBeforeTheLeakCheckReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(SUCCESS), PipelineRunWorkflowImpl.class);
  }

  @Test
  @DisabledIfSystemProperty(named = RECORD, matches = "true")
  void cancelledRunReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(CANCELLED), PipelineRunWorkflowImpl.class);
  }

  @Test
  @DisabledIfSystemProperty(named = RECORD, matches = "true")
  void runThatLostItsSnapshotReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        history(SNAPSHOT_LOST), PipelineRunWorkflowImpl.class);
  }

  @Test
  @DisabledIfSystemProperty(named = RECORD, matches = "true")
  void stagingSchemaRunRecordedBeforeTheDatabaseTwinReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        history(STAGING_SUCCESS), PipelineRunWorkflowImpl.class);
  }

  @Test
  @DisabledIfSystemProperty(named = RECORD, matches = "true")
  void cancelledStagingSchemaRunRecordedBeforeTheDatabaseTwinReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        history(STAGING_CANCELLED), PipelineRunWorkflowImpl.class);
  }

  /** Records both histories into {@code src/test/resources/histories/}; see the class comment. */
  @Test
  @EnabledIfSystemProperty(named = RECORD, matches = "true")
  void recordHistories() throws Exception {
    // The histories recorded before the leak check (SUCCESS, CANCELLED, SNAPSHOT_LOST) stay as
    // they are: runs of that shape may still be in flight.
    record(LEAK_CHECK_SUCCESS, new FakeTaskActivities(), twin -> {}, run -> {
      RunSummary summary = run.run(PipelineRunInput.of(PIPELINE));
      assertEquals(RunState.SUCCEEDED, summary.state());
    });
    record(LEAK_FOUND, new FakeTaskActivities(),
        twin -> twin.leaks(new LeakFinding("public.orders.customer_email", 12,
            LeakFinding.SOURCE_VALUE, "public.customers.email")),
        run -> assertThrows(WorkflowFailedException.class,
            () -> run.run(PipelineRunInput.of(PIPELINE))));
  }

  @FunctionalInterface
  private interface Scenario {
    void drive(PipelineRunWorkflow run) throws Exception;
  }

  /** Runs one scenario in a fresh test environment and writes its history as JSON. */
  private static void record(String resource, FakeTaskActivities tasks,
      java.util.function.Consumer<FakeTwin> twinSetUp, Scenario scenario) throws Exception {
    FakeTwin twin = new FakeTwin(tasks);
    twinSetUp.accept(twin);
    ConfigActivities config = activityMock(ConfigActivities.class);
    PlanningActivities planning = activityMock(PlanningActivities.class);
    TargetActivities target = activityMock(TargetActivities.class);
    when(config.fetchPipeline(PIPELINE)).thenReturn(spec());
    when(planning.plan(any()))
        .thenReturn(
            plan(
                2,
                table("orders", 3, 30_000),
                table("customers", 1, 900),
                table("audit_log", TableMode.schema, List.<ChunkRange>of(), 5_000)));

    // a fixed identity keeps host names out of the committed files
    TestEnvironmentOptions options =
        TestEnvironmentOptions.newBuilder()
            .setWorkflowClientOptions(
                WorkflowClientOptions.newBuilder().setIdentity("veil-history-recorder").build())
            .build();
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options)) {
      Worker worker = env.newWorker(Veil.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class);
      worker.registerActivitiesImplementations(config, planning, target, twin);
      env.newWorker(Veil.TABLE_TASK_QUEUE).registerActivitiesImplementations(tasks);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      PipelineRunWorkflow run =
          client.newWorkflowStub(
              PipelineRunWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(RUN_ID)
                  .setTaskQueue(Veil.TASK_QUEUE)
                  .build());
      scenario.drive(run);
      String json = client.fetchHistory(RUN_ID).toJson(true);
      Path file = Path.of("src/test/resources").resolve(resource);
      Files.createDirectories(file.getParent());
      Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    }
  }

  private static String history(String resource) throws IOException {
    try (var in = PipelineRunReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing; see the class comment");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
