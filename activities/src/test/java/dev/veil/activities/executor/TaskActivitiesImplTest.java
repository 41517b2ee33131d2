package dev.veil.activities.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.TaskActivities;
import dev.veil.workflows.plan.TableTask;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which task failures Temporal may retry: the executor is faked, the classification is real. */
class TaskActivitiesImplTest {

  private TestActivityEnvironment env;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private ApplicationFailure failureOf(Exception thrown) {
    env.registerActivitiesImplementations(
        new TaskActivitiesImpl((task, attempt, progress) -> {
          throw thrown;
        }));
    TaskActivities activities = env.newActivityStub(TaskActivities.class);
    TableTask task = new TableTask("p", "r", "public.t#0", "src", "tgt", "build", "public", "public", "t",
        List.of(), null, null, null, 0);
    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> activities.run(task));
    return (ApplicationFailure) failure.getCause();
  }

  @Test
  void aKubernetesRequestTimeoutIsRetried() {
    ApplicationFailure failure = failureOf(new KubernetesClientException(
        "The timeout period of 10000ms has been exceeded", new TimeoutException()));
    assertFalse(failure.isNonRetryable(), failure.getOriginalMessage());
  }

  @Test
  void anApiServerErrorIsRetried() {
    assertFalse(failureOf(new KubernetesClientException("busy", 503, null)).isNonRetryable());
  }

  @Test
  void aForbiddenRequestIsFinal() {
    ApplicationFailure failure = failureOf(new KubernetesClientException("forbidden", 403, null));
    assertTrue(failure.isNonRetryable());
    assertEquals(FailureTypes.TASK_FAILED, failure.getType());
  }

  @Test
  void aBadTaskIsFinal() {
    assertTrue(failureOf(new IllegalArgumentException("unknown rule")).isNonRetryable());
  }
}
