package dev.veil.workflows.run;

import static dev.veil.workflows.run.RunFixtures.PIPELINE;
import static dev.veil.workflows.run.RunFixtures.RUN_ID;
import static dev.veil.workflows.run.RunFixtures.activityMock;
import static dev.veil.workflows.run.RunFixtures.plan;
import static dev.veil.workflows.run.RunFixtures.spec;
import static dev.veil.workflows.run.RunFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.Veil;
import dev.veil.workflows.activities.ConfigActivities;
import dev.veil.workflows.activities.PlanningActivities;
import dev.veil.workflows.activities.ReportingActivities;
import dev.veil.workflows.activities.TargetActivities;
import dev.veil.workflows.plan.PlanRequest;
import dev.veil.workflows.plan.SwapResult;
import dev.veil.workflows.report.LogTailRequest;
import dev.veil.workflows.report.PrivacyReportPost;
import dev.veil.workflows.report.RunEvent;
import dev.veil.workflows.report.RunEventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The events a run reports, and that reporting never fails a run. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RunReportingTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  /** Records what it is given; fails every call while {@link #down}. */
  static final class RecordingReporting implements ReportingActivities {
    final List<RunEvent> events = new CopyOnWriteArrayList<>();
    final List<LogTailRequest> tails = new CopyOnWriteArrayList<>();
    final List<PrivacyReportPost> reports = new CopyOnWriteArrayList<>();
    volatile boolean down;

    @Override
    public void report(RunEvent event) {
      if (down) {
        throw new IllegalStateException("API down");
      }
      events.add(event);
    }

    @Override
    public void uploadLogTail(LogTailRequest request) {
      if (down) {
        throw new IllegalStateException("API down");
      }
      tails.add(request);
    }

    @Override
    public void postPrivacyReport(PrivacyReportPost post) {
      if (down) {
        throw new IllegalStateException("API down");
      }
      reports.add(post);
    }
  }

  private static final PipelineRunInput REPORTING = new PipelineRunInput(PIPELINE, null, true);

  @Test
  void aRunNotAskedToReportReportsNothing() {
    assertEquals(RunState.SUCCEEDED, run.run(PipelineRunInput.of(PIPELINE)).state());
    assertEquals(List.of(), reporting.events);
  }

  private final ConfigActivities config = activityMock(ConfigActivities.class);
  private final PlanningActivities planning = activityMock(PlanningActivities.class);
  private final TargetActivities target = activityMock(TargetActivities.class);
  private final FakeTaskActivities tasks = new FakeTaskActivities();
  private final RecordingReporting reporting = new RecordingReporting();
  private final FakeTwin twin = new FakeTwin(tasks);
  private PipelineRunWorkflow run;

  @BeforeEach
  void start(TestWorkflowEnvironment env, Worker worker, WorkflowOptions options) {
    when(config.fetchPipeline(PIPELINE)).thenReturn(spec());
    when(planning.plan(any()))
        .thenReturn(plan(2, table("orders", 2, 2000), table("customers", 1, 500)));
    worker.registerActivitiesImplementations(config, planning, target, twin, reporting);
    env.newWorker(Veil.TABLE_TASK_QUEUE).registerActivitiesImplementations(tasks);
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    run =
        client.newWorkflowStub(
            PipelineRunWorkflow.class, options.toBuilder().setWorkflowId(RUN_ID).build());
  }

  private static List<RunEventType> types(List<RunEvent> events) {
    return events.stream().map(RunEvent::type).toList();
  }

  @Test
  void successfulRunReportsEveryTaskInOrderAndASummary() {
    RunSummary summary = run.run(REPORTING);

    List<RunEvent> events = reporting.events;
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).seq(), "sent in the order emitted: " + types(events));
    }
    List<RunEventType> types = types(events);
    assertEquals(RunEventType.RUN_STARTED, types.get(0));
    assertEquals(RunEventType.RUN_SUCCEEDED, types.get(types.size() - 1));
    assertEquals(3, types.stream().filter(t -> t == RunEventType.TASK_STARTED).count());
    List<RunEvent> succeeded =
        events.stream().filter(e -> e.type() == RunEventType.TASK_SUCCEEDED).toList();
    assertEquals(3, succeeded.size());
    assertEquals(
        summary.rows(), succeeded.stream().mapToLong(RunEvent::rows).sum(), "rows add up");
    RunEvent last = events.get(events.size() - 1);
    assertEquals(summary.rows(), last.rows());
    assertEquals(RUN_ID, last.runId());
    for (RunEvent e : succeeded) {
      assertTrue(e.millis() != null && e.table() != null && e.task().contains("#"), e.toString());
    }
    assertEquals(List.of(), reporting.tails);
  }

  @Test
  void failedTaskReportsItsErrorAndAsksForTheLogTail() {
    tasks.on(
        "public.customers#0",
        task -> {
          throw ApplicationFailure.newNonRetryableFailure(
              "COPY failed: division by zero (22012)", FailureTypes.TASK_FAILED);
        });

    assertThrows(WorkflowFailedException.class, () -> run.run(REPORTING));

    RunEvent failed =
        reporting.events.stream()
            .filter(e -> e.type() == RunEventType.TASK_FAILED)
            .findFirst()
            .orElseThrow(() -> new AssertionError(types(reporting.events).toString()));
    assertEquals("public.customers#0", failed.task());
    assertEquals("COPY failed: division by zero (22012)", failed.message());
    assertEquals(RunEventType.RUN_FAILED, reporting.events.get(reporting.events.size() - 1).type());
    assertEquals(1, reporting.tails.size());
    assertEquals("public.customers#0", reporting.tails.get(0).task());
  }

  @Test
  void theSignedPrivacyReportIsPostedAsTheLeakCheckReturnedIt() {
    String report = "{\"format\":\"veil-privacy-report/1\",\"verdict\":\"clean\"}";
    twin.report(report);

    assertEquals(RunState.SUCCEEDED, run.run(REPORTING).state());

    assertEquals(1, reporting.reports.size(), reporting.reports.toString());
    PrivacyReportPost post = reporting.reports.get(0);
    assertEquals(report, post.report());
    assertEquals(PIPELINE, post.pipelineId());
    assertEquals(reporting.events.get(0).runId(), post.runId());
  }

  @Test
  void aRunNotAskedToReportPostsNoPrivacyReport() {
    twin.report("{\"verdict\":\"clean\"}");
    assertEquals(RunState.SUCCEEDED, run.run(PipelineRunInput.of(PIPELINE)).state());
    assertEquals(List.of(), reporting.reports);
  }

  @Test
  void reportingThatFailsNeverFailsTheRun() {
    reporting.down = true;
    RunSummary summary = run.run(REPORTING);
    assertEquals(RunState.SUCCEEDED, summary.state());
    assertEquals(List.of(), reporting.events);
  }
}
