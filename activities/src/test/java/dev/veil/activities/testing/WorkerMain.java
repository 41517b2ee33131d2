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
import dev.veil.workflows.activities.TaskActivities;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskResult;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare worker process for tests that need to kill a worker JVM: {@code WorkerMain <temporal
 * address> <source url> <target url> <user> <pipelines dir> [task slots]}. It polls {@value
 * Veil#TASK_QUEUE} and {@value Veil#TABLE_TASK_QUEUE} (with {@code task slots} activity slots,
 * default 4), prints {@code READY} once polling, then {@code TASK started <id> running=<n>} and
 * {@code TASK done <id>} per table task, and runs until killed.
 */
public final class WorkerMain {

  /** Environment variable: task ids this worker holds at a gate (comma-separated). */
  public static final String HOLD_TASKS = "VEIL_TEST_HOLD_TASKS";

  /**
   * Environment variable: an activity type (e.g. {@code SwapTwin}) this worker runs to the end and
   * then holds for ever instead of reporting, printing {@code HELD <type>}: killing the worker then
   * is a crash after the step's work and before Temporal heard of it, the case a retry must treat
   * as done already.
   */
  public static final String HOLD_ACTIVITY = "VEIL_TEST_HOLD_ACTIVITY";

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    int taskSlots = args.length > 5 ? Integer.parseInt(args[5]) : 4;
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(args[0]).build());
    WorkflowClient client = WorkflowClient.newInstance(service);
    String heldActivity = System.getenv().getOrDefault(HOLD_ACTIVITY, "");
    WorkerFactory factory = WorkerFactory.newInstance(client,
        io.temporal.worker.WorkerFactoryOptions.newBuilder()
            .setWorkerInterceptors(new HoldAfter(heldActivity))
            .build());
    // Temporal's test server: without this a workflow stalls after its worker dies (DESIGN §4)
    Worker worker =
        factory.newWorker(
            Veil.TASK_QUEUE,
            WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build());
    Worker tasks =
        factory.newWorker(
            Veil.TABLE_TASK_QUEUE,
            WorkerOptions.newBuilder()
                .setStickyQueueScheduleToStartTimeout(Duration.ZERO)
                .setMaxConcurrentActivityExecutionSize(taskSlots)
                .build());
    ConnectionRegistry registry =
        new ConnectionRegistry(
            Map.of(
                "src", new ConnectionSettings(args[1], args[3], null, Map.of()),
                "tgt", new ConnectionSettings(args[2], args[3], null, Map.of())));
    worker.registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class);
    // tasks named in VEIL_TEST_HOLD_TASKS wait at a gate that never opens in this worker
    java.util.Set<String> held = java.util.Set.of(
        System.getenv().getOrDefault(HOLD_TASKS, "").split(","));
    java.util.List<Object> activities =
        new java.util.ArrayList<>(RunActivities.workflowSide(registry, null));
    activities.add(new ConfigActivitiesImpl(new LocalFolderPipelineSource(Path.of(args[4]))));
    worker.registerActivitiesImplementations(activities.toArray());
    tasks.registerActivitiesImplementations(
        new Announcing(
            RunActivities.tasks(
                new GatedTaskExecutor(
                    new LocalTaskExecutor(registry, MaskingKey.of("worker-main-key-0123456789")),
                    task -> held.contains(task.taskId())))));
    factory.start();
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }

  /** Runs the activity type it names, then prints {@code HELD <type>} and never returns. */
  private static final class HoldAfter extends io.temporal.common.interceptors.WorkerInterceptorBase {
    private final String activityType;

    HoldAfter(String activityType) {
      this.activityType = activityType;
    }

    @Override
    public io.temporal.common.interceptors.ActivityInboundCallsInterceptor interceptActivity(
        io.temporal.common.interceptors.ActivityInboundCallsInterceptor next) {
      return new io.temporal.common.interceptors.ActivityInboundCallsInterceptor() {
        private String type;

        @Override
        public void init(io.temporal.activity.ActivityExecutionContext context) {
          type = context.getInfo().getActivityType();
          next.init(context);
        }

        @Override
        public ActivityOutput execute(ActivityInput input) {
          ActivityOutput output = next.execute(input);
          if (type.equals(activityType)) {
            System.out.println("HELD " + type);
            System.out.flush();
            try {
              Thread.currentThread().join();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return output;
        }
      };
    }
  }

  /** Prints each task's start (with how many run at once) and end, for the parent test. */
  private static final class Announcing implements TaskActivities {
    private final TaskActivities delegate;
    private final AtomicInteger running = new AtomicInteger();

    Announcing(TaskActivities delegate) {
      this.delegate = delegate;
    }

    @Override
    public TaskResult run(TableTask task) {
      System.out.println("TASK started " + task.taskId() + " running=" + running.incrementAndGet());
      try {
        TaskResult result = delegate.run(task);
        System.out.println("TASK done " + task.taskId());
        return result;
      } finally {
        running.decrementAndGet();
      }
    }
  }
}
