package dev.veil.workflows.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.veil.workflows.Veil;
import dev.veil.workflows.run.CancelRequest;
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
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Replays a recorded history of {@link PipelineWorkflowImpl} (scheduled runs, a skipped fire, a
 * manual run cancelled, pause, refresh, removal), so that a change that would break pipelines in
 * flight fails the build. Record anew (see {@code PipelineRunReplayTest}) with
 *
 * <pre>mvn -B -q -pl workflows test -Dtest=PipelineReplayTest -Dveil.recordHistories=true</pre>
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PipelineReplayTest {

  private static final String RECORD = "veil.recordHistories";
  private static final String LIFE = "histories/pipeline-life.json";

  @Test
  @DisabledIfSystemProperty(named = RECORD, matches = "true")
  void pipelineLifeReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(LIFE), PipelineWorkflowImpl.class);
  }

  @Test
  @EnabledIfSystemProperty(named = RECORD, matches = "true")
  void recordHistory() throws Exception {
    TestEnvironmentOptions options =
        TestEnvironmentOptions.newBuilder()
            .setWorkflowClientOptions(
                WorkflowClientOptions.newBuilder().setIdentity("veil-history-recorder").build())
            .build();
    String id = Veil.pipelineWorkflowId(PipelineWorkflowTest.PIPELINE);
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options)) {
      Worker worker = env.newWorker(Veil.TASK_QUEUE);
      worker.registerWorkflowImplementationTypes(PipelineWorkflowImpl.class, FakeRunWorkflow.class);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      PipelineWorkflow pipeline =
          client.newWorkflowStub(
              PipelineWorkflow.class,
              WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(Veil.TASK_QUEUE).build());
      WorkflowClient.start(
          pipeline::run, PipelineInput.of(PipelineWorkflowTest.spec("v1", "*/20 * * * *", 30)));
      env.sleep(Duration.ofMinutes(70));
      pipeline.pause(new PauseRequest("recording"));
      env.sleep(Duration.ofMinutes(40));
      pipeline.refresh(new RefreshRequest(PipelineWorkflowTest.spec("v2", null, 30)));
      pipeline.runNow(new RunNowRequest(null));
      env.sleep(Duration.ofMinutes(1));
      pipeline.cancelRun(new CancelRequest("recording"));
      env.sleep(Duration.ofMinutes(1));
      pipeline.resume(new ResumeRequest(null));
      pipeline.remove(new RemoveRequest("recording"));
      PipelineStatus last = WorkflowStub.fromTyped(pipeline).getResult(PipelineStatus.class);
      assertEquals(PipelineState.ENDED, last.state());
      String json = client.fetchHistory(id).toJson(true);
      Path file = Path.of("src/test/resources").resolve(LIFE);
      Files.createDirectories(file.getParent());
      Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    }
  }

  private static String history(String resource) throws IOException {
    try (var in = PipelineReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing; see the class comment");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
