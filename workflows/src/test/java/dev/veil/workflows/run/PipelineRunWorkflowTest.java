package dev.veil.workflows.run;

import static dev.veil.workflows.run.RunFixtures.PIPELINE;
import static dev.veil.workflows.run.RunFixtures.RUN_ID;
import static dev.veil.workflows.run.RunFixtures.activityMock;
import static dev.veil.workflows.run.RunFixtures.plan;
import static dev.veil.workflows.run.RunFixtures.spec;
import static dev.veil.workflows.run.RunFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.Veil;
import dev.veil.workflows.activities.ConfigActivities;
import dev.veil.workflows.activities.PlanningActivities;
import dev.veil.workflows.activities.TargetActivities;
import dev.veil.workflows.plan.ChunkRange;
import dev.veil.workflows.plan.PlanRequest;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SwapResult;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.TableMode;
import dev.veil.workflows.spec.VerifySpec;
import dev.veil.workflows.verify.LeakFinding;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The orchestration of {@link PipelineRunWorkflowImpl}: fan-out bound, cancellation, failure,
 * progress. The activities are faked (Mockito mocks and {@link FakeTaskActivities}) because these
 * tests are about orchestration only; the real activities, against real PostgreSQL databases, are
 * covered by {@code activities/…/PipelineRunIT}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PipelineRunWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private final ConfigActivities config = activityMock(ConfigActivities.class);
  private final PlanningActivities planning = activityMock(PlanningActivities.class);
  private final TargetActivities target = activityMock(TargetActivities.class);
  private final FakeTaskActivities tasks = new FakeTaskActivities();
  private final FakeTwin twin = new FakeTwin(tasks);

  private WorkflowClient client;
  private WorkflowOptions options;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env, Worker worker, WorkflowOptions options) {
    this.client = env.getWorkflowClient();
    this.options = options.toBuilder().setWorkflowId(RUN_ID).build();
    when(config.fetchPipeline(PIPELINE)).thenReturn(spec());
    worker.registerActivitiesImplementations(config, planning, target, twin);
    env.newWorker(Veil.TABLE_TASK_QUEUE).registerActivitiesImplementations(tasks);
    env.start();
  }

  @Test
  void fanOutNeverExceedsMaxActiveTasks() {
    RunPlan plan =
        planned(
            plan(
                3,
                table("orders", 3, 9000),
                table("customers", 3, 6000),
                table("invoices", 3, 3000),
                table("events", 3, 3000)));
    // The first tasks wait until three run at once, so the bound is reached for sure; each then
    // lingers a little, so that a workflow that started more would be caught overlapping.
    CountDownLatch fullHouse = new CountDownLatch(1);
    tasks.otherwise(
        task -> {
          if (tasks.inFlight() >= 3) {
            fullHouse.countDown();
          }
          FakeTaskActivities.heartbeatUntil(task, () -> fullHouse.getCount() == 0);
          Thread.sleep(20);
          return FakeTaskActivities.copy(task);
        });

    RunSummary summary = newRun().run(PipelineRunInput.of(PIPELINE));

    assertEquals(RunState.SUCCEEDED, summary.state());
    assertEquals(3, tasks.peak(), "most tasks at once");
    Map<String, Integer> expectedRuns = new TreeMap<>();
    for (String table : List.of("orders", "customers", "invoices", "events")) {
      for (int chunk = 0; chunk < 3; chunk++) {
        expectedRuns.put("public." + table + "#" + chunk, 1);
      }
    }
    assertEquals(expectedRuns, tasks.runs(), "every chunk runs exactly once");
    // rows per chunk are 100, 110 and 120 (see FakeTaskActivities.rowsOf)
    assertEquals(4 * (100 + 110 + 120), summary.rows());
    assertEquals(
        Set.of("createBuildDatabase#1", "holdSnapshot#1", "loadSchema#1", "buildTwin",
            "checkLeaks", "swapTwin", "finishSwap"),
        Set.copyOf(twin.calls()), "one epoch, one snapshot, one swap, nothing discarded");
    assertEquals(List.of("buildTwin", "checkLeaks", "swapTwin", "finishSwap"),
        twin.calls().subList(twin.calls().size() - 4, twin.calls().size()));
    tasks.seen().forEach(t -> {
      assertEquals(plan.buildDatabase(), t.targetDatabase(), t.taskId());
      assertEquals(1, t.epoch(), t.taskId());
    });
    verifyNoInteractions(target);
  }

  @Test
  void cancelSignalDropsTheBuildDatabaseAndNeverSwaps() throws InterruptedException {
    RunPlan plan = planned(plan(3, table("orders", 2, 2000), table("customers", 2, 2000)));
    tasks.otherwise(FakeTaskActivities::untilCancelled);

    PipelineRunWorkflow run = newRun();
    WorkflowClient.start(run::run, PipelineRunInput.of(PIPELINE));
    FakeTaskActivities.await("three tasks run", () -> tasks.inFlight() >= 3);
    run.cancel(new CancelRequest("r"));
    RunSummary summary = WorkflowStub.fromTyped(run).getResult(RunSummary.class);

    assertEquals(RunState.CANCELLED, summary.state());
    assertEquals("r", summary.reason());
    assertEquals(
        Map.of("public.orders#0", 1, "public.orders#1", 1, "public.customers#0", 1),
        tasks.runs(),
        "the fourth task never starts");
    assertEquals(tasks.runs().keySet(), tasks.cancelled(), "running tasks were cancelled");
    assertEquals(0, tasks.inFlight(), "the run waited for its tasks to stop");
    assertEquals(1, count(twin.calls(), "discardBuild"), twin.calls().toString());
    assertFalse(twin.calls().contains("buildTwin"));
    assertFalse(twin.calls().contains("swapTwin"));
    RunProgress progress = run.progress();
    assertEquals(RunState.CANCELLED, progress.state());
    assertEquals("cancelled: r", progress.error());
    progress.tables().forEach(t -> assertEquals(TableState.CANCELLED, t.state(), t.table()));
  }

  @Test
  void nativeCancellationBehavesLikeTheSignal() throws InterruptedException {
    RunPlan plan = planned(plan(3, table("orders", 2, 2000), table("customers", 2, 2000)));
    tasks.otherwise(FakeTaskActivities::untilCancelled);

    PipelineRunWorkflow run = newRun();
    WorkflowClient.start(run::run, PipelineRunInput.of(PIPELINE));
    FakeTaskActivities.await("three tasks run", () -> tasks.inFlight() >= 3);
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    stub.cancel();

    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> stub.getResult(RunSummary.class));
    assertInstanceOf(CanceledFailure.class, failed.getCause());
    assertEquals(tasks.runs().keySet(), tasks.cancelled(), "running tasks were cancelled");
    assertEquals(0, tasks.inFlight(), "the run waited for its tasks to stop");
    assertEquals(1, count(twin.calls(), "discardBuild"), twin.calls().toString());
    assertFalse(twin.calls().contains("swapTwin"));
    assertEquals(RunState.CANCELLED, run.progress().state());
  }

  @Test
  void leakFoundStopsTheRunBeforeTheSwapAndDropsTheBuildDatabase() {
    planned(plan(2, table("orders", 1, 1000), table("customers", 1, 1000)));
    twin.leaks(
        new LeakFinding("public.orders.customer_email", 1204, LeakFinding.SOURCE_VALUE,
            "public.customers.email"),
        new LeakFinding("public.orders.notes", 3, "phone", null));

    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class,
            () -> newRun().run(PipelineRunInput.of(PIPELINE)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(FailureTypes.LEAK_FOUND, failure.getType());
    String message = failure.getOriginalMessage();
    assertTrue(message.contains(
        "public.orders.customer_email: 1,204 source values of public.customers.email"), message);
    assertTrue(message.contains("public.orders.notes: 3 values that look like phone"), message);
    assertEquals(VerifySpec.VerifyMode.fail, twin.leakCheck().verify().mode(), "default policy");
    List<String> calls = twin.calls();
    assertTrue(calls.indexOf("checkLeaks") > calls.indexOf("buildTwin"), calls.toString());
    assertTrue(calls.contains("discardBuild"), calls.toString());
    assertFalse(calls.contains("swapTwin"), "the old twin stays: " + calls);
  }

  @Test
  void leakFoundInWarnModeSwapsAndReportsTheFindingsAsWarnings() {
    PipelineSpec base = spec();
    when(config.fetchPipeline(PIPELINE)).thenReturn(new PipelineSpec(base.id(), base.version(),
        base.schedule(), base.maxActiveTasks(), base.executor(), base.source(), base.target(),
        base.tables(), base.rules(), base.unmatchedColumns(), base.resources(),
        base.nodeSelector(), base.tolerations(), null,
        new VerifySpec(VerifySpec.VerifyMode.warn, 10.0, null)));
    planned(plan(2, table("orders", 1, 1000)));
    twin.leaks(new LeakFinding("public.orders.meta", 7, "email", null));

    RunSummary summary = newRun().run(PipelineRunInput.of(PIPELINE));

    assertEquals(RunState.SUCCEEDED, summary.state());
    assertTrue(summary.warnings().stream().anyMatch(
        w -> w.contains("public.orders.meta: 7 values that look like email")),
        summary.warnings().toString());
    assertEquals(new VerifySpec(VerifySpec.VerifyMode.warn, 10.0, 5), twin.leakCheck().verify(),
        "defaults filled in");
    assertEquals(List.of("buildTwin", "checkLeaks", "swapTwin", "finishSwap"),
        twin.calls().subList(twin.calls().size() - 4, twin.calls().size()));
  }

  @Test
  void failingTaskFailsTheRunNamingItsTable() throws InterruptedException {
    RunPlan plan = planned(plan(3, table("orders", 2, 2000), table("customers", 2, 2000)));
    // orders#0 fails once orders#1 and customers#0 run beside it; those two run until cancelled.
    tasks
        .on(
            "public.orders#0",
            task -> {
              FakeTaskActivities.heartbeatUntil(task, () -> tasks.inFlight() >= 3);
              throw ApplicationFailure.newNonRetryableFailure("boom", FailureTypes.TASK_FAILED);
            })
        .otherwise(FakeTaskActivities::untilCancelled);

    PipelineRunWorkflow run = newRun();
    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> run.run(PipelineRunInput.of(PIPELINE)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(FailureTypes.TASK_FAILED, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("public.orders"), failure.getMessage());
    assertTrue(failure.getOriginalMessage().contains("boom"), failure.getMessage());
    assertEquals(
        Set.of("public.orders#1", "public.customers#0"),
        tasks.stopped(),
        "the tasks running beside the failed one were stopped by dropping the build database");
    assertTrue(tasks.cancelled().isEmpty(), "no activity cancel was sent: " + tasks.cancelled());
    assertFalse(tasks.started("public.customers#1"), "no task starts after the failure");
    assertEquals(0, tasks.inFlight(), "the run waited for its tasks to stop");
    assertTrue(twin.calls().contains("discardBuild"), twin.calls().toString());
    assertFalse(twin.calls().contains("buildTwin"));
    assertFalse(twin.calls().contains("swapTwin"));

    RunProgress progress = run.progress();
    assertEquals(RunState.FAILED, progress.state());
    assertTrue(progress.error().contains("public.orders"), progress.error());
    TableProgress orders = progress.tables().get(0);
    assertEquals("public.orders", orders.table());
    assertEquals(TableState.FAILED, orders.state(), "a cancelled sibling chunk must not hide it");
    assertEquals("boom", orders.error());
    assertEquals(TableState.CANCELLED, progress.tables().get(1).state());
  }

  @Test
  void invalidSpecFailsBeforeAnyWork() {
    String problem = "rules: public.users.emial: no such column in public.users";
    when(planning.plan(any()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure(problem, FailureTypes.INVALID_SPEC));

    PipelineRunWorkflow run = newRun();
    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> run.run(PipelineRunInput.of(PIPELINE)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertEquals(problem, failure.getOriginalMessage());
    verify(planning, times(1)).plan(any());
    verifyNoInteractions(target);
    assertTrue(twin.calls().isEmpty(), twin.calls().toString());
    assertTrue(tasks.runs().isEmpty(), "no task ran");
    RunProgress progress = run.progress();
    assertEquals(RunState.FAILED, progress.state());
    assertEquals(problem, progress.error());
    assertTrue(progress.tables().isEmpty());
  }

  @Test
  void missingPipelineIdIsRejected() {
    // exactly what `temporal workflow start --input '{"pipelineId":null}'` sends
    Map<String, Object> input = new HashMap<>();
    input.put("pipelineId", null);
    WorkflowStub stub = client.newUntypedWorkflowStub(Veil.PIPELINE_RUN_WORKFLOW_TYPE, options);
    stub.start(input);

    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> stub.getResult(RunSummary.class));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(FailureTypes.INVALID_SPEC, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("pipelineId"), failure.getMessage());
    verifyNoInteractions(config, planning, target);
    assertTrue(tasks.runs().isEmpty(), "no task ran");
  }

  @Test
  void progressQueryReportsPerTableCounts() throws InterruptedException {
    RunPlan plan = planned(plan(2, table("orders", 3, 9000), table("customers", 2, 4000)));
    CountDownLatch release = new CountDownLatch(1);
    tasks.on("public.orders#0", FakeTaskActivities.copyOnceTrue(() -> release.getCount() == 0));

    PipelineRunWorkflow run = newRun();
    WorkflowClient.start(run::run, PipelineRunInput.of(PIPELINE));
    FakeTaskActivities.await("orders#0 runs", () -> tasks.started("public.orders#0"));
    RunProgress during = run.progress();
    release.countDown();
    RunSummary summary = WorkflowStub.fromTyped(run).getResult(RunSummary.class);

    assertEquals(RunState.COPYING, during.state());
    assertEquals(PIPELINE, during.pipelineId());
    assertEquals(RUN_ID, during.runId());
    assertEquals("public.orders", during.tables().get(0).table());
    assertEquals(TableState.RUNNING, during.tables().get(0).state());
    assertEquals(3, during.tables().get(0).chunksTotal());

    RunProgress after = run.progress();
    assertEquals(RunState.SUCCEEDED, after.state());
    assertNull(after.error());
    assertEquals(plan.warnings(), after.warnings());
    assertEquals(
        List.of(
            new TableProgress(
                "public.orders", TableState.COPIED, 100 + 110 + 120, 9000,
                64 * (100 + 110 + 120), 3, 3, null),
            new TableProgress(
                "public.customers", TableState.COPIED, 100 + 110, 4000, 64 * (100 + 110), 2, 2,
                null)),
        after.tables());
    assertEquals(after.tables(), summary.tables());
    assertEquals(100 + 110 + 120 + 100 + 110, summary.rows());
  }

  @Test
  void schemaOnlyTablesRunNoTasks() {
    // The planner gives schema-only tables no chunks; the second one has a stray chunk to show
    // that the mode alone decides.
    TablePlan auditLog = table("audit_log", TableMode.schema, List.of(), 50_000);
    TablePlan sessions =
        table("sessions", TableMode.schema, List.of(new ChunkRange(0, -1)), 20_000);
    planned(plan(2, table("orders", 2, 2000), auditLog, sessions));

    RunSummary summary = newRun().run(PipelineRunInput.of(PIPELINE));

    assertEquals(RunState.SUCCEEDED, summary.state());
    assertEquals(Map.of("public.orders#0", 1, "public.orders#1", 1), tasks.runs());
    assertEquals(
        new TableProgress("public.audit_log", TableState.COPIED, 0, 50_000, 0, 0, 0, null),
        summary.tables().get(1));
    assertEquals(
        new TableProgress("public.sessions", TableState.COPIED, 0, 20_000, 0, 0, 0, null),
        summary.tables().get(2));
    assertEquals(100 + 110, summary.rows());
  }

  @Test
  void tasksFailingInTheSameInstantFailTheRunPromptly() throws Exception {
    // Both chunks fail together, over and over in the same instant; the Java test server used to
    // stall such runs when the workflow answered with activity cancels (ACTIVITY_UNKNOWN).
    planned(plan(4, table("orders", 4, 8000)));
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(4);
    tasks.otherwise(
        task -> {
          try {
            together.await(FakeTaskActivities.MAX_WAIT.toSeconds(),
                java.util.concurrent.TimeUnit.SECONDS);
          } catch (java.util.concurrent.BrokenBarrierException
              | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the four chunks never ran together", e);
          }
          throw ApplicationFailure.newNonRetryableFailure("check violation",
              FailureTypes.TASK_FAILED);
        });

    PipelineRunWorkflow run = newRun();
    WorkflowClient.start(run::run, PipelineRunInput.of(PIPELINE));
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class,
            () -> stub.getResult(30, java.util.concurrent.TimeUnit.SECONDS, RunSummary.class));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(FailureTypes.TASK_FAILED, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("check violation"), failure.getMessage());
    assertEquals(RunState.FAILED, run.progress().state());
    assertTrue(twin.calls().contains("discardBuild"), twin.calls().toString());
  }

  @Test
  void lostSnapshotStartsTheCopyOverUnderANewOne() {
    RunPlan plan = planned(plan(2, table("orders", 3, 9000), table("customers", 2, 4000)));
    // epoch 1 loses its snapshot once two chunks are done; epoch 2 copies everything again
    tasks.otherwise(FakeTaskActivities.copyOnceTrue(() -> true));
    twin.loseSnapshot(1, () -> tasks.seen().size() >= 2);

    RunSummary summary = newRun().run(PipelineRunInput.of(PIPELINE));

    assertEquals(RunState.SUCCEEDED, summary.state());
    assertEquals(100 + 110 + 120 + 100 + 110, summary.rows(), "no chunk counted twice");
    List<String> calls = twin.calls();
    assertEquals("createBuildDatabase#1", calls.get(0));
    assertEquals(Set.of("holdSnapshot#1", "loadSchema#1"), Set.copyOf(calls.subList(1, 3)),
        "the holder and the schema load start together");
    assertTrue(calls.contains("discardBuild"), calls.toString());
    assertTrue(calls.indexOf("createBuildDatabase#2") > calls.indexOf("discardBuild"),
        calls.toString());
    assertEquals("finishSwap", calls.get(calls.size() - 1));
    Set<String> epoch2 = new java.util.TreeSet<>();
    tasks.seen().stream().filter(t -> t.epoch() == 2).forEach(t -> epoch2.add(t.taskId()));
    assertEquals(Set.of("public.orders#0", "public.orders#1", "public.orders#2",
        "public.customers#0", "public.customers#1"), epoch2, "epoch 2 copies every chunk");
    summary.tables().forEach(t -> assertEquals(TableState.COPIED, t.state(), t.table()));
  }

  @Test
  void snapshotLostOverAndOverFailsTheRunClearly() {
    planned(plan(1, table("orders", 1, 1000)));
    tasks.otherwise(task -> {
      FakeTaskActivities.heartbeatUntil(task, () -> false);
      throw new IllegalStateException("never released");
    });
    twin.loseSnapshot(PipelineRunWorkflowImpl.MAX_EPOCHS, () -> !tasks.seen().isEmpty());

    PipelineRunWorkflow run = newRun();
    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> run.run(PipelineRunInput.of(PIPELINE)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(FailureTypes.SNAPSHOT_LOST, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("lost 5 times"), failure.getMessage());
    assertFalse(twin.calls().contains("swapTwin"));
    assertEquals(RunState.FAILED, run.progress().state());
  }

  @Test
  void cancelDuringTheSwapPutsTheOldTwinBackAndEndsCancelled() throws Exception {
    planned(plan(1, table("orders", 1, 1000)));
    java.util.concurrent.atomic.AtomicBoolean letSwapEnd =
        new java.util.concurrent.atomic.AtomicBoolean();
    twin.swapWaitsFor(letSwapEnd::get);

    PipelineRunWorkflow run = newRun();
    WorkflowClient.start(run::run, PipelineRunInput.of(PIPELINE));
    FakeTaskActivities.await("the swap runs", twin::swapping);
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    stub.cancel();
    run.cancel(new CancelRequest("too late"));
    letSwapEnd.set(true);

    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> stub.getResult(RunSummary.class));
    assertInstanceOf(CanceledFailure.class, failed.getCause());
    List<String> calls = twin.calls();
    assertEquals(List.of("swapTwin", "undoSwap", "discardBuild"),
        calls.subList(calls.indexOf("swapTwin"), calls.size()),
        "the swap is undone, then the build database (the new twin) dropped");
    assertFalse(calls.contains("finishSwap"), calls.toString());
    assertEquals(RunState.CANCELLED, run.progress().state());
  }

  private static long count(List<String> calls, String call) {
    return calls.stream().filter(call::equals).count();
  }

  /** Makes planning return {@code plan} for this run. */
  private RunPlan planned(RunPlan plan) {
    when(planning.plan(any())).thenReturn(plan);
    return plan;
  }

  private PipelineRunWorkflow newRun() {
    return client.newWorkflowStub(PipelineRunWorkflow.class, options);
  }
}
