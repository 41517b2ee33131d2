package dev.veil.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.workflows.Veil;
import dev.veil.workflows.run.CancelRequest;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TargetSpec;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scheduling, signals and lifecycle of {@link PipelineWorkflowImpl} with time skipping. Runs are
 * {@link FakeRunWorkflow}s: a run takes {@code maxActiveTasks} minutes of workflow time.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PipelineWorkflowTest {

  static final String PIPELINE = "shop";

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(PipelineWorkflowImpl.class, FakeRunWorkflow.class)
          .build();

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private PipelineWorkflow pipeline;
  private WorkflowOptions options;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env, WorkflowOptions options) {
    this.env = env;
    this.client = env.getWorkflowClient();
    this.options = options;
    this.pipeline =
        client.newWorkflowStub(
            PipelineWorkflow.class,
            options.toBuilder().setWorkflowId(Veil.pipelineWorkflowId(PIPELINE)).build());
  }

  static PipelineSpec spec(String version, String schedule, int runMinutes) {
    return new PipelineSpec(
        PIPELINE,
        version,
        schedule,
        runMinutes,
        null,
        new SourceSpec("prod", List.of("public")),
        new TargetSpec("twin"),
        null,
        Map.of(),
        null,
        null,
        null,
        null, null, null);
  }

  private WorkflowExecution start(PipelineSpec spec) {
    return start(new PipelineInput(PIPELINE, spec, null, null));
  }

  private WorkflowExecution start(PipelineInput input) {
    WorkflowExecution execution = WorkflowClient.start(pipeline::run, input);
    awaitStatus("workflow running", s -> s != null);
    return execution;
  }

  /** Polls the status query until it matches; workflow time only moves in {@code env.sleep}. */
  private PipelineStatus awaitStatus(String what, Predicate<PipelineStatus> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    PipelineStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = pipeline.status();
        if (condition.test(last)) {
          return last;
        }
      } catch (io.temporal.client.WorkflowNotFoundException
          | io.temporal.client.WorkflowQueryException e) {
        // not started yet
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("timed out waiting for " + what + "; last status: " + last);
  }

  private static List<RunRecord> ended(PipelineStatus status, RunOutcome outcome) {
    return status.lastRuns().stream().filter(r -> r.outcome() == outcome).toList();
  }

  @Test
  void cronPipelineRunsAtTheScheduledTimesAcrossDays() {
    start(spec("v1", "30 2 * * *", 10));

    env.sleep(Duration.ofDays(3).plusMinutes(30));

    // The test server skips idle time on its own, so a fourth day's fire may already be in the
    // status when we look: check the first three.
    PipelineStatus status = awaitStatus("three runs", s -> ended(s, RunOutcome.SUCCEEDED).size() >= 3);
    List<RunRecord> runs = status.lastRuns().subList(0, 3);
    LocalDate previous = null;
    for (RunRecord run : runs) {
      ZonedDateTime at = Instant.ofEpochMilli(run.startedAtMillis()).atZone(ZoneOffset.UTC);
      // the run starts one workflow task after the timer fires: same minute
      assertEquals(
          LocalTime.of(2, 30),
          at.toLocalTime().truncatedTo(ChronoUnit.MINUTES),
          "fire time of " + run.runId());
      if (previous != null) {
        assertEquals(previous.plusDays(1), at.toLocalDate(), "one run a day");
      }
      previous = at.toLocalDate();
      assertEquals(RunTrigger.SCHEDULE, run.trigger());
      assertEquals(RunOutcome.SUCCEEDED, run.outcome(), run.runId());
      assertEquals(100, run.rows());
      assertTrue(run.millis() >= Duration.ofMinutes(10).toMillis(), "ran its 10 minutes");
    }
    for (int i = 0; i < runs.size(); i++) {
      String id = runs.get(i).runId();
      assertTrue(id.matches("veil-run-shop-" + (i + 1) + "-[0-9a-f]{8}"), id);
    }
    ZonedDateTime next = Instant.ofEpochMilli(status.nextFireAtMillis()).atZone(ZoneOffset.UTC);
    assertEquals(LocalTime.of(2, 30), next.toLocalTime());
    assertEquals(previous.plusDays(1), next.toLocalDate());
    assertEquals(PipelineState.IDLE, status.state());
  }

  @Test
  void runNowStartsARunAtOnceAndPauseStopsScheduledFiresUntilResume() {
    start(spec("v1", "0 * * * *", 5));
    pipeline.pause(new PauseRequest("maintenance"));
    PipelineStatus paused = awaitStatus("paused", s -> s.state() == PipelineState.PAUSED);
    assertNull(paused.nextFireAtMillis());

    env.sleep(Duration.ofHours(3));
    assertEquals(0, pipeline.status().runsStarted(), "no scheduled fire while paused");

    pipeline.runNow(new RunNowRequest("operator"));
    awaitStatus("manual run", s -> s.runsStarted() == 1);
    env.sleep(Duration.ofMinutes(6));
    PipelineStatus afterManual = awaitStatus("manual run done", s -> s.currentRunId() == null);
    assertEquals(RunTrigger.RUN_NOW, afterManual.lastRuns().get(0).trigger());
    assertEquals(RunOutcome.SUCCEEDED, afterManual.lastRuns().get(0).outcome());
    assertEquals(PipelineState.PAUSED, afterManual.state());

    pipeline.resume(new ResumeRequest(null));
    PipelineStatus resumed = awaitStatus("resumed", s -> s.nextFireAtMillis() != null);
    assertEquals(PipelineState.IDLE, resumed.state());
    env.sleep(Duration.ofMinutes(61 + 5));
    // idle time skips ahead on its own: a later hourly fire may have started too
    PipelineStatus afterResume = awaitStatus("scheduled run", s -> s.runsStarted() >= 2);
    assertEquals(RunTrigger.SCHEDULE, afterResume.lastRuns().get(1).trigger());
  }

  @Test
  void cancelRunCancelsTheRunInFlightOnly() {
    start(spec("v1", null, 60));
    pipeline.cancelRun(new CancelRequest("nothing to cancel yet"));
    pipeline.runNow(new RunNowRequest(null));
    awaitStatus("running", s -> s.state() == PipelineState.RUNNING);
    env.sleep(Duration.ofMinutes(1));

    pipeline.cancelRun(new CancelRequest("wrong target"));

    PipelineStatus status = awaitStatus("cancelled", s -> s.currentRunId() == null);
    RunRecord run = status.lastRuns().get(0);
    assertEquals(RunOutcome.CANCELLED, run.outcome());
    assertEquals("wrong target", run.error());
    assertEquals(1, status.lastRuns().size());
    assertEquals(PipelineState.IDLE, status.state());
  }

  @Test
  void refreshedConfigIsUsedByTheNextRun() {
    start(spec("v1", null, 5));
    pipeline.runNow(new RunNowRequest(null));
    env.sleep(Duration.ofMinutes(6));
    awaitStatus("first run", s -> ended(s, RunOutcome.SUCCEEDED).size() == 1);

    pipeline.refresh(new RefreshRequest(spec("v2", "0 12 * * *", 5)));
    PipelineStatus refreshed = awaitStatus("v2", s -> "v2".equals(s.version()));
    assertEquals("0 12 * * *", refreshed.schedule());
    assertNotNull(refreshed.nextFireAtMillis(), "the new schedule is used");
    pipeline.runNow(new RunNowRequest(null));
    env.sleep(Duration.ofMinutes(6));
    PipelineStatus status = awaitStatus("second run", s -> ended(s, RunOutcome.SUCCEEDED).size() >= 2);

    assertEquals(
        "v1", FakeRunWorkflow.INPUTS.get(status.lastRuns().get(0).runId()).spec().version());
    assertEquals(
        "v2", FakeRunWorkflow.INPUTS.get(status.lastRuns().get(1).runId()).spec().version());
    assertEquals("v2", status.lastRuns().get(1).version());
  }

  @Test
  void signalWithStartRefreshIsTheSpecTheWorkflowStartsWith() {
    io.temporal.client.BatchRequest request = client.newSignalWithStartRequest();
    request.add(pipeline::run, PipelineInput.of(spec("v1", null, 5)));
    request.add(pipeline::refresh, new RefreshRequest(spec("v2", "0 4 * * *", 5)));
    client.signalWithStart(request);

    PipelineStatus status = awaitStatus("started", s -> s.version() != null);
    assertEquals("v2", status.version());
    assertEquals("0 4 * * *", status.schedule());
    assertNotNull(status.nextFireAtMillis());
  }

  @Test
  void failedRunIsRecordedWithItsMessageAndThePipelineGoesOn() {
    start(spec("broken-1", null, 5));
    pipeline.runNow(new RunNowRequest(null));
    PipelineStatus status = awaitStatus("failed", s -> ended(s, RunOutcome.FAILED).size() == 1);
    assertEquals("table public.orders failed: boom", status.lastRuns().get(0).error());
    assertEquals(PipelineState.IDLE, status.state());
  }

  @Test
  void removedConfigEndsTheWorkflowAfterItsCurrentRun() {
    start(spec("v1", "*/5 * * * *", 30));
    env.sleep(Duration.ofMinutes(6));
    awaitStatus("running", s -> s.state() == PipelineState.RUNNING);

    pipeline.remove(new RemoveRequest("config deleted"));
    assertEquals(PipelineState.ENDING, awaitStatus("ending", s -> s.state() == PipelineState.ENDING).state());

    PipelineStatus last = WorkflowStub.fromTyped(pipeline).getResult(PipelineStatus.class);
    assertEquals(PipelineState.ENDED, last.state());
    assertEquals(1, last.runsStarted(), "no run after removal");
    assertEquals(RunOutcome.SUCCEEDED, last.lastRuns().get(0).outcome(), "the run was let finish");
    assertNull(last.currentRunId());
  }

  @Test
  void fireWhileARunIsStillGoingIsSkippedAndRecorded() {
    // every 10 minutes, runs of 25 minutes: of each three fires, two find the run still going
    start(spec("v1", "*/10 * * * *", 25));
    env.sleep(Duration.ofMinutes(65));

    PipelineStatus status = awaitStatus("two runs", s -> ended(s, RunOutcome.SUCCEEDED).size() >= 2);
    List<RunRecord> skipped = ended(status, RunOutcome.SKIPPED);
    assertTrue(status.skippedFires() >= 3, status.toString());
    assertEquals(status.skippedFires(), skipped.size());
    for (RunRecord s : skipped) {
      assertTrue(s.error().startsWith("skipped: run veil-run-shop-"), s.error());
    }
    List<RunRecord> runs =
        status.lastRuns().stream().filter(r -> r.outcome() != RunOutcome.SKIPPED).toList();
    for (int i = 1; i < runs.size(); i++) {
      RunRecord before = runs.get(i - 1);
      assertTrue(
          runs.get(i).startedAtMillis() >= before.startedAtMillis() + before.millis(),
          "runs never overlap: " + runs);
    }
  }

  @Test
  void continueAsNewKeepsRunsPausedStateAndCounter() {
    WorkflowExecution first = start(new PipelineInput(PIPELINE, spec("v1", "0 3 * * *", 5), null, 2));
    for (int n = 1; n <= 2; n++) {
      int expected = n;
      pipeline.runNow(new RunNowRequest(null));
      awaitStatus("run " + n, s -> s.runsStarted() == expected);
      env.sleep(Duration.ofMinutes(6));
      awaitStatus("run " + n + " done", s -> s.currentRunId() == null);
    }
    pipeline.pause(new PauseRequest(null));

    PipelineStatus status =
        awaitStatus(
            "continued as new",
            s -> {
              return s.paused() && !first.getRunId().equals(currentRunIdOf());
            });
    assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
        client.fetchHistory(first.getWorkflowId(), first.getRunId()).getLastEvent().getEventType());
    assertEquals(2, status.runsStarted());
    assertEquals(2, status.lastRuns().size());
    assertTrue(status.paused());

    pipeline.runNow(new RunNowRequest(null));
    PipelineStatus third = awaitStatus("third run", s -> s.runsStarted() == 3);
    assertTrue(third.currentRunId().startsWith("veil-run-shop-3-"), "the counter went on");
  }

  @Test
  void aNewLifeOfThePipelineNeverRepeatsARunId() {
    start(spec("v1", null, 5));
    pipeline.runNow(new RunNowRequest(null));
    env.sleep(Duration.ofMinutes(6));
    String first = awaitStatus("first life's run", s -> ended(s, RunOutcome.SUCCEEDED).size() == 1)
        .lastRuns().get(0).runId();
    pipeline.remove(new RemoveRequest("config deleted"));
    WorkflowStub.fromTyped(pipeline).getResult(PipelineStatus.class);

    // the config comes back (or the dev server restarted): the counter starts from 1 again
    pipeline =
        client.newWorkflowStub(
            PipelineWorkflow.class,
            options.toBuilder().setWorkflowId(Veil.pipelineWorkflowId(PIPELINE)).build());
    WorkflowClient.start(pipeline::run, new PipelineInput(PIPELINE, spec("v1", null, 5), null, null));
    pipeline.runNow(new RunNowRequest(null));
    env.sleep(Duration.ofMinutes(6));
    String second =
        awaitStatus("second life's run", s -> s.runsStarted() == 1 && s.currentRunId() == null)
            .lastRuns().get(0).runId();

    assertTrue(first.startsWith("veil-run-shop-1-") && second.startsWith("veil-run-shop-1-"),
        first + " " + second);
    assertNotEquals(first, second, "a run id names one run, ever");
  }

  @Test
  void runNowUpdateReturnsTheRunIdAndIsRefusedWhileARunIsInFlight() {
    start(spec("v1", null, 30));
    pipeline.pause(new PauseRequest(null));

    RunNowResult started = pipeline.startRun(new RunNowRequest("cli"));

    assertTrue(started.runId().startsWith("veil-run-shop-1-"), started.runId());
    PipelineStatus status = awaitStatus("running", s -> s.currentRunId() != null);
    assertEquals(started.runId(), status.currentRunId());
    assertEquals(RunTrigger.RUN_NOW, status.lastRuns().get(0).trigger());

    io.temporal.client.WorkflowUpdateException conflict =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.temporal.client.WorkflowUpdateException.class,
            () -> pipeline.startRun(new RunNowRequest("cli")));
    assertTrue(
        String.valueOf(innermost(conflict).getMessage())
            .contains("run " + started.runId() + " of pipeline shop is still going"),
        String.valueOf(innermost(conflict)));
    assertEquals(1, pipeline.status().runsStarted(), "the refused update started nothing");

    env.sleep(Duration.ofMinutes(31));
    awaitStatus("run done", s -> s.currentRunId() == null);
    RunNowResult second = pipeline.startRun(new RunNowRequest("cli"));
    assertTrue(second.runId().startsWith("veil-run-shop-2-"), second.runId());
  }

  private static Throwable innermost(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private String currentRunIdOf() {
    return client
        .newUntypedWorkflowStub(Veil.pipelineWorkflowId(PIPELINE))
        .describe()
        .getExecution()
        .getRunId();
  }
}
