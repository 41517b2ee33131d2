package dev.veil.app.testing;

import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.VeilWorker;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;

/**
 * Temporal's in-process test server in real time, with a {@link VeilWorker} running {@link
 * FakeActivities}: the real workflow, fast fake I/O.
 */
public final class InProcessTemporal implements AutoCloseable {

  public final TestWorkflowEnvironment env;
  public final TemporalClients clients;
  public final FakePipelineSource pipelines;
  public final FakeActivities activities;
  private final VeilWorker worker;

  public InProcessTemporal(FakePipelineSource pipelines) {
    this.env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    this.clients =
        new TemporalClients(env.getWorkflowClient(), "in-process", Duration.ofSeconds(5));
    this.pipelines = pipelines;
    this.activities = new FakeActivities(pipelines);
    this.worker =
        VeilWorker.createWith(clients, new VeilWorker.Settings(10, 4, true), activities.all());
    worker.start();
  }

  @Override
  public void close() {
    activities.releaseTasks();
    worker.close();
    env.close();
  }
}
