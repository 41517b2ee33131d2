package dev.veil.workflows.run;

import static dev.veil.workflows.run.RunFixtures.PIPELINE;
import static dev.veil.workflows.run.RunFixtures.RUN_ID;
import static dev.veil.workflows.run.RunFixtures.activityMock;
import static dev.veil.workflows.run.RunFixtures.spec;
import static dev.veil.workflows.run.RunFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.Veil;
import dev.veil.workflows.activities.ConfigActivities;
import dev.veil.workflows.activities.PlanningActivities;
import dev.veil.workflows.activities.TwinActivities;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TableTask;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.Mockito;

/**
 * The delivery branch of {@link PipelineRunWorkflowImpl} with faked activities: no database step,
 * chunks carry the delivery, publish comes last, and a cancelled or failed run discards its files
 * and never publishes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeliveryRunWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private final ConfigActivities config = activityMock(ConfigActivities.class);
  private final PlanningActivities planning = activityMock(PlanningActivities.class);
  private final TwinActivities twin = activityMock(TwinActivities.class);
  private final FakeTaskActivities tasks = new FakeTaskActivities();
  private final FakeDelivery delivery = new FakeDelivery();
  private final RunPlan plan =
      FakeDelivery.plan(3, table("orders", 2, 2000), table("customers", 2, 2000));

  private WorkflowClient client;
  private WorkflowOptions options;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env, Worker worker, WorkflowOptions options) {
    this.client = env.getWorkflowClient();
    this.options = options.toBuilder().setWorkflowId(RUN_ID).build();
    when(config.fetchPipeline(PIPELINE)).thenReturn(spec());
    when(planning.plan(any())).thenReturn(plan);
    worker.registerActivitiesImplementations(config, planning, twin, delivery);
    env.newWorker(Veil.TABLE_TASK_QUEUE).registerActivitiesImplementations(tasks);
    env.start();
  }

  private PipelineRunWorkflow newRun() {
    return client.newWorkflowStub(PipelineRunWorkflow.class, options);
  }

  @Test
  void aDeliveryWritesEveryChunkThenPublishesWithoutAnyDatabaseStep() {
    RunSummary summary = newRun().run(PipelineRunInput.of(PIPELINE));

    assertEquals(RunState.SUCCEEDED, summary.state());
    // the holder and the wait for its record start together; the publish comes last
    assertEquals(java.util.Set.of("holdSnapshot#1", "awaitSnapshot#1"),
        java.util.Set.copyOf(delivery.calls().subList(0, 2)));
    assertEquals(List.of("publish"), delivery.calls().subList(2, delivery.calls().size()));
    assertEquals(4, tasks.seen().size());
    for (TableTask task : tasks.seen()) {
      assertNotNull(task.delivery(), task.taskId());
      assertEquals(null, task.targetConnection());
      assertEquals(null, task.targetDatabase());
    }
    Mockito.verifyNoInteractions(twin);
  }

  @Test
  void aCancelledDeliveryDiscardsItsFilesAndNeverPublishes() throws InterruptedException {
    tasks.otherwise(FakeTaskActivities::untilCancelled);
    PipelineRunWorkflow run = newRun();
    WorkflowClient.start(run::run, PipelineRunInput.of(PIPELINE));
    FakeTaskActivities.await("three tasks run", () -> tasks.inFlight() >= 3);
    run.cancel(new CancelRequest("r"));
    RunSummary summary = WorkflowStub.fromTyped(run).getResult(RunSummary.class);

    assertEquals(RunState.CANCELLED, summary.state());
    assertEquals(0, tasks.inFlight(), "the run waited for its chunks to stop");
    assertEquals(tasks.runs().keySet(), tasks.cancelled());
    assertTrue(delivery.calls().contains("discard"), delivery.calls().toString());
    assertFalse(delivery.calls().contains("publish"), delivery.calls().toString());
    Mockito.verifyNoInteractions(twin);
  }

  @Test
  void aFailedChunkFailsTheDeliveryWhichDiscardsItsFilesAfterTheOthersStopped() {
    // orders#0 fails once orders#1 and customers#0 run beside it; they finish once the run knows
    // (nothing stops them: a delivery has no build database to drop, and sends no cancel)
    PipelineRunWorkflow run = newRun();
    tasks.on("public.orders#0", task -> {
      FakeTaskActivities.heartbeatUntil(task, () -> tasks.inFlight() >= 3);
      throw ApplicationFailure.newNonRetryableFailure("boom", FailureTypes.TASK_FAILED);
    }).otherwise(FakeTaskActivities.copyOnceTrue(() -> run.progress().tables().stream()
        .anyMatch(t -> t.state() == TableState.FAILED)));
    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> run.run(PipelineRunInput.of(PIPELINE)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(FailureTypes.TASK_FAILED, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("public.orders"), failure.getMessage());
    assertEquals(0, tasks.inFlight());
    assertFalse(tasks.started("public.customers#1"), "no chunk starts after the failure");
    assertEquals(List.of("discard"), delivery.calls().subList(2, delivery.calls().size()));
  }
}
