package dev.veil.activities.testing;

import dev.veil.activities.RunActivities;
import dev.veil.activities.config.ConfigActivitiesImpl;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.delivery.DeliveryStorages;
import dev.veil.activities.executor.LocalTaskExecutor;
import dev.veil.activities.executor.TaskExecutor;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.workflows.Veil;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.PipelineRunWorkflowImpl;
import dev.veil.workflows.spec.PipelineSpec;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Runs pipelines end to end: Temporal's test server in process, a worker with Veil's real run
 * activities (planning, snapshot, pg_dump/pg_restore, copy engine, swap) against real PostgreSQL
 * databases {@code src} and {@code tgt}. Tasks of pipelines whose id starts with {@code gated}
 * wait at {@link #gate()} before copying.
 */
public final class RunHarness implements AutoCloseable {

  public static final String MASKING_KEY = "harness-key-0123456789abcdef";

  private final TestWorkflowEnvironment env;
  private final WorkflowClient client;
  private final GatedTaskExecutor gate;
  private final Map<String, PipelineSpec> specs = new ConcurrentHashMap<>();
  private final ConnectionRegistry registry;

  public RunHarness(ConnectionSettings source, ConnectionSettings target) {
    this(source, target, DeliveryStorages.none(), executor -> executor);
  }

  /**
   * A harness whose runs may also deliver files to {@code storages}; {@code wrap} wraps the local
   * executor (to gate or fail chunks of one table, say).
   */
  public RunHarness(ConnectionSettings source, ConnectionSettings target,
      DeliveryStorages storages, UnaryOperator<TaskExecutor> wrap) {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(Veil.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class);
    registry = new ConnectionRegistry(Map.of("src", source, "tgt", target));
    PipelineSource pipelines =
        new PipelineSource() {
          @Override
          public List<String> ids() {
            return List.copyOf(specs.keySet());
          }

          @Override
          public Optional<PipelineSpec> find(String id) {
            return Optional.ofNullable(specs.get(id));
          }
        };
    gate = new GatedTaskExecutor(
        wrap.apply(new LocalTaskExecutor(registry, MaskingKey.of(MASKING_KEY), storages)),
        task -> task.pipelineId().startsWith("gated"));
    List<Object> activities =
        new ArrayList<>(RunActivities.workflowSide(registry, null, null, null, storages));
    activities.add(new ConfigActivitiesImpl(pipelines));
    worker.registerActivitiesImplementations(activities.toArray());
    env.newWorker(Veil.TABLE_TASK_QUEUE).registerActivitiesImplementations(RunActivities.tasks(gate));
    env.start();
    client = env.getWorkflowClient();
  }

  public ConnectionRegistry registry() {
    return registry;
  }

  public GatedTaskExecutor gate() {
    return gate;
  }

  public TestWorkflowEnvironment environment() {
    return env;
  }

  public WorkflowClient client() {
    return client;
  }

  /** Makes {@code spec} the pipeline of its id. */
  public void define(PipelineSpec spec) {
    specs.put(spec.id(), spec);
  }

  /** A stub for run {@code runId}, bounded to ten minutes so that no test can hang. */
  public PipelineRunWorkflow stub(String runId) {
    return client.newWorkflowStub(
        PipelineRunWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(Veil.TASK_QUEUE)
            .setWorkflowId(runId)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
            .build());
  }

  /** Runs pipeline {@code spec} to the end as run {@code runId}. */
  public dev.veil.workflows.run.RunSummary run(PipelineSpec spec, String runId) {
    define(spec);
    return stub(runId).run(PipelineRunInput.of(spec.id()));
  }

  @Override
  public void close() {
    gate.open();
    env.close();
  }
}
