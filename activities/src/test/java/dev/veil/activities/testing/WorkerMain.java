package dev.veil.activities.testing;

import dev.veil.activities.config.ConfigActivitiesImpl;
import dev.veil.activities.config.LocalFolderPipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.executor.LocalTaskExecutor;
import dev.veil.activities.executor.TaskActivitiesImpl;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.RunActivities;
import dev.veil.workflows.Veil;
import dev.veil.workflows.run.PipelineRunWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A bare worker process for tests that need to kill a worker JVM: {@code WorkerMain <temporal
 * address> <source url> <target url> <user> <pipelines dir>}. It prints {@code READY} once
 * polling and runs until killed.
 */
public final class WorkerMain {

  /** Environment variable: task ids this worker holds at a gate (comma-separated). */
  public static final String HOLD_TASKS = "VEIL_TEST_HOLD_TASKS";

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    WorkflowClient client = WorkflowClient.newInstance(service);
    WorkerFactory factory = WorkerFactory.newInstance(client);
    // Temporal's test server: without this a workflow stalls after its worker dies (DESIGN §4)
    Worker worker =
        factory.newWorker(
            Veil.TASK_QUEUE,
            WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build());
    ConnectionRegistry registry =
        new ConnectionRegistry(
            Map.of(
                "src", new ConnectionSettings(args[1], args[3], null, Map.of()),
                "tgt", new ConnectionSettings(args[2], args[3], null, Map.of())));
    worker.registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class);
    // tasks named in VEIL_TEST_HOLD_TASKS wait at a gate that never opens in this worker
    java.util.Set<String> held = java.util.Set.of(
        System.getenv().getOrDefault(HOLD_TASKS, "").split(","));
    java.util.List<Object> activities = new java.util.ArrayList<>(RunActivities.create(registry,
        new GatedTaskExecutor(
            new LocalTaskExecutor(registry, MaskingKey.of("worker-main-key-0123456789")),
            task -> held.contains(task.taskId())),
        (String) null));
    activities.add(new ConfigActivitiesImpl(new LocalFolderPipelineSource(Path.of(args[4]))));
    worker.registerActivitiesImplementations(activities.toArray());
    factory.start();
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
