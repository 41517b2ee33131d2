package dev.veil.workflows.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.ScanActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The scan workflow runs the scan activity once and returns its report unchanged. */
class ScanWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(ScanWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private static final ScanReport REPORT = new ScanReport("prod", List.of("public"), 2, 9,
      List.of(new ColumnFinding("public.users", "email", "text", "email", "email", Map.of(), 1.0,
          100, 100, List.of("name", "content"))),
      "rules:\n  public.users.email: {rule: email}\n", null);

  @Test
  void returnsTheActivitysReport(TestWorkflowEnvironment env, Worker worker,
      WorkflowOptions options) {
    AtomicInteger calls = new AtomicInteger();
    worker.registerActivitiesImplementations((ScanActivities) request -> {
      calls.incrementAndGet();
      assertEquals("prod", request.connection());
      return REPORT;
    });
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    ScanReport report = client.newWorkflowStub(ScanWorkflow.class, options)
        .scan(new ScanRequest("prod", null, null));
    assertEquals(REPORT, report);
    assertEquals(1, calls.get());
  }

  @Test
  void anInvalidRequestFailsWithoutRetrying(TestWorkflowEnvironment env, Worker worker,
      WorkflowOptions options) {
    AtomicInteger calls = new AtomicInteger();
    worker.registerActivitiesImplementations((ScanActivities) request -> {
      calls.incrementAndGet();
      throw ApplicationFailure.newNonRetryableFailure("connection: 'x' is not configured",
          FailureTypes.INVALID_SPEC);
    });
    env.start();
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> env.getWorkflowClient().newWorkflowStub(ScanWorkflow.class, options)
            .scan(new ScanRequest("x", null, null)));
    ActivityFailure failure = assertInstanceOf(ActivityFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_SPEC,
        ((ApplicationFailure) failure.getCause()).getType());
    assertEquals(1, calls.get());
  }
}
