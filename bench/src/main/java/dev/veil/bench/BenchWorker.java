package dev.veil.bench;

import dev.veil.activities.config.ConfigActivitiesImpl;
import dev.veil.activities.config.LocalFolderPipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.executor.LocalTaskExecutor;
import dev.veil.activities.executor.TaskActivitiesImpl;
import dev.veil.activities.plan.PlanningActivitiesImpl;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.target.TargetActivitiesImpl;
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
 * The worker process of the benchmark, in its own JVM so that its heap limit and resident memory
 * are its own: {@code BenchWorker <temporal> <source url> <target url> <user> <password>
 * <pipelines dir>}. Prints {@code READY} once polling.
 */
public final class BenchWorker {

  private BenchWorker() {}

  public static void main(String[] args) throws Exception {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
    Worker worker =
        factory.newWorker(
            Veil.TASK_QUEUE,
            WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build());
    String password = args[4].isEmpty() ? null : args[4];
    ConnectionRegistry registry =
        new ConnectionRegistry(
            Map.of(
                "bench-source", new ConnectionSettings(args[1], args[3], password, Map.of()),
                "bench-target", new ConnectionSettings(args[2], args[3], password, Map.of())));
    worker.registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new ConfigActivitiesImpl(new LocalFolderPipelineSource(Path.of(args[5]))),
        new PlanningActivitiesImpl(registry),
        new TargetActivitiesImpl(registry),
        new TaskActivitiesImpl(new LocalTaskExecutor(registry, MaskingKey.random())));
    factory.start();
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
