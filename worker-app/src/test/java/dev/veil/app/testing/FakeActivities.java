package dev.veil.app.testing;

import dev.veil.workflows.activities.SnapshotActivities;
import dev.veil.workflows.activities.TwinActivities;
import dev.veil.workflows.plan.SnapshotInfo;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.ConfigActivities;
import dev.veil.workflows.activities.PlanningActivities;
import dev.veil.workflows.activities.TargetActivities;
import dev.veil.workflows.activities.TaskActivities;
import dev.veil.workflows.plan.ChunkRange;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.PlanRequest;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SwapResult;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskHeartbeat;
import dev.veil.workflows.plan.TaskResult;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.TableMode;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Activities that stand in for the real ones in tests of the app layer: specs from a {@link
 * FakePipelineSource}, a plan of two tables ({@code public.customers} 1000 rows, {@code
 * public.orders} 3000 rows), and table tasks that report half their rows by heartbeat and then wait
 * until {@link #releaseTasks()} (or are cancelled), or fail when their table is in {@link
 * #failTable}.
 */
public final class FakeActivities {

  public static final long CUSTOMERS = 1000;
  public static final long ORDERS = 3000;

  private final FakePipelineSource pipelines;
  private volatile CountDownLatch gate = new CountDownLatch(1);
  private final Set<String> failing = ConcurrentHashMap.newKeySet();
  public final Map<String, Integer> calls = new ConcurrentHashMap<>();

  public FakeActivities(FakePipelineSource pipelines) {
    this.pipelines = pipelines;
  }

  /** Lets every waiting and future task finish. */
  public void releaseTasks() {
    gate.countDown();
  }

  /** Makes future tasks wait again. */
  public void holdTasks() {
    gate = new CountDownLatch(1);
  }

  /** Tasks of this table ({@code schema.table}) fail with {@code TaskFailed}. */
  public void failTable(String table) {
    failing.add(table);
  }

  /** Tasks of this table succeed again. */
  public void healTable(String table) {
    failing.remove(table);
  }

  public Object[] all() {
    return new Object[] {new Config(), new Planning(), new Target(), new Twin(), new Tasks()};
  }

  /** The run dropped its build database: waiting tasks stop as real ones would. */
  private volatile boolean buildDropped;
  /** The build step released the snapshot. */
  private volatile boolean released;

  private void count(String name) {
    calls.merge(name, 1, Integer::sum);
  }

  final class Config implements ConfigActivities {
    @Override
    public PipelineSpec fetchPipeline(String pipelineId) {
      count("fetchPipeline");
      return pipelines
          .find(pipelineId)
          .orElseThrow(
              () ->
                  ApplicationFailure.newNonRetryableFailure(
                      "no pipeline " + pipelineId, FailureTypes.PIPELINE_NOT_FOUND));
    }
  }

  final class Planning implements PlanningActivities {
    @Override
    public RunPlan plan(PlanRequest request) {
      count("plan");
      PipelineSpec spec = request.spec();
      return new RunPlan(
          spec.id(),
          request.runId(),
          request.runUid(),
          "v1",
          spec.source().connection(),
          spec.target().connection(),
          "twin",
          "twin__veil_btest",
          List.of("public"),
          spec.effectiveMaxActiveTasks(),
          List.of(table("customers", CUSTOMERS), table("orders", ORDERS)),
          List.of(),
          null,
          List.of());
    }

    private TablePlan table(String name, long rows) {
      return new TablePlan(
          "public",
          name,
          rows,
          List.of(new ColumnPlan("id", "bigint", null, Map.of(), false)),
          null,
          null,
          TableMode.copy,
          List.of(new ChunkRange(0, -1)),
          null);
    }
  }

  final class Target implements TargetActivities {
    @Override
    public void prepare(RunPlan plan) {
      count("prepare");
    }

    @Override
    public void build(RunPlan plan) {
      count("build");
    }

    @Override
    public SwapResult swap(RunPlan plan) {
      count("swap");
      return new SwapResult(plan.tables().size(), false);
    }

    @Override
    public void discard(RunPlan plan) {
      count("discard");
    }
  }

  final class Twin implements TwinActivities, SnapshotActivities,
      dev.veil.workflows.activities.VerifyActivities {
    @Override
    public dev.veil.workflows.verify.LeakCheckResult checkLeaks(
        dev.veil.workflows.verify.LeakCheckRequest request) {
      count("checkLeaks");
      released = true;
      return new dev.veil.workflows.verify.LeakCheckResult(false, 0, 0, 0, 0, List.of(), null);
    }

    @Override
    public void createBuildDatabase(RunPlan plan, int epoch) {
      count("createBuildDatabase");
      buildDropped = false;
      released = false;
    }

    @Override
    public void loadSchema(RunPlan plan, int epoch) {
      count("loadSchema");
    }

    @Override
    public void buildTwin(RunPlan plan) {
      count("buildTwin");
      released = true;
    }

    @Override
    public SwapResult swapTwin(RunPlan plan) {
      count("swapTwin");
      return new SwapResult(plan.tables().size(), false);
    }

    @Override
    public void finishSwap(RunPlan plan) {
      count("finishSwap");
    }

    @Override
    public void undoSwap(RunPlan plan) {
      count("undoSwap");
    }

    @Override
    public void discardBuild(RunPlan plan) {
      count("discardBuild");
      buildDropped = true;
    }

    @Override
    public SnapshotInfo holdSnapshot(RunPlan plan, int epoch) {
      ActivityExecutionContext context = Activity.getExecutionContext();
      try {
        while (!released && !buildDropped) {
          context.heartbeat(epoch);
          Thread.sleep(50);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      }
      return new SnapshotInfo(epoch, "2026-12-02T00:00:00Z");
    }
  }

  final class Tasks implements TaskActivities {
    @Override
    public TaskResult run(TableTask task) {
      count("task");
      String table = task.sourceSchema() + "." + task.table();
      if (failing.contains(table)) {
        throw ApplicationFailure.newNonRetryableFailure(
            "rule rejected a value in " + table, FailureTypes.TASK_FAILED);
      }
      ActivityExecutionContext context = Activity.getExecutionContext();
      long half = task.estimatedRows() / 2;
      try {
        while (!gate.await(100, TimeUnit.MILLISECONDS)) {
          context.heartbeat(new TaskHeartbeat(task.taskId(), half, half * 10));
          if (buildDropped) {
            throw ApplicationFailure.newNonRetryableFailure(
                "the run's build database is gone", FailureTypes.BUILD_DATABASE_GONE);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      }
      return new TaskResult(task.taskId(), task.estimatedRows(), task.estimatedRows() * 10, 1);
    }
  }
}
