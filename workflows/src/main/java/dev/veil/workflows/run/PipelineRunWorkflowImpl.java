package dev.veil.workflows.run;

import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.Veil;
import dev.veil.workflows.activities.ConfigActivities;
import dev.veil.workflows.activities.DeliveryActivities;
import dev.veil.workflows.activities.PlanningActivities;
import dev.veil.workflows.activities.ReportingActivities;
import dev.veil.workflows.activities.SnapshotActivities;
import dev.veil.workflows.activities.TargetActivities;
import dev.veil.workflows.activities.TaskActivities;
import dev.veil.workflows.activities.TwinActivities;
import dev.veil.workflows.activities.VeilActivityOptions;
import dev.veil.workflows.activities.VerifyActivities;
import dev.veil.workflows.plan.ChunkRange;
import dev.veil.workflows.plan.DeliveryResult;
import dev.veil.workflows.plan.PlanRequest;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SnapshotInfo;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskResult;
import dev.veil.workflows.report.LogTailRequest;
import dev.veil.workflows.report.PrivacyReportPost;
import dev.veil.workflows.report.RunEvent;
import dev.veil.workflows.report.RunEventType;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.TableMode;
import dev.veil.workflows.spec.VerifySpec;
import dev.veil.workflows.verify.LeakCheckRequest;
import dev.veil.workflows.verify.LeakCheckResult;
import dev.veil.workflows.verify.LeakFinding;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Deterministic orchestration of one run. All I/O is in activities; this class only sequences
 * them, bounds the fan-out and keeps the progress that the {@code progress} query returns.
 */
public class PipelineRunWorkflowImpl implements PipelineRunWorkflow {

  private static final Logger log = Workflow.getLogger(PipelineRunWorkflowImpl.class);

  private final ConfigActivities config =
      Workflow.newActivityStub(ConfigActivities.class, VeilActivityOptions.CONFIG);
  private final PlanningActivities planning =
      Workflow.newActivityStub(PlanningActivities.class, VeilActivityOptions.PLANNING);
  private final TargetActivities prepareTarget =
      Workflow.newActivityStub(TargetActivities.class, VeilActivityOptions.PREPARE);
  private final TargetActivities buildTarget =
      Workflow.newActivityStub(TargetActivities.class, VeilActivityOptions.BUILD);
  private final TargetActivities swapTarget =
      Workflow.newActivityStub(TargetActivities.class, VeilActivityOptions.SWAP);
  private final TargetActivities discardTarget =
      Workflow.newActivityStub(TargetActivities.class, VeilActivityOptions.DISCARD);
  private final ReportingActivities reporting =
      Workflow.newActivityStub(ReportingActivities.class, VeilActivityOptions.REPORTING);
  private final TwinActivities createBuild =
      Workflow.newActivityStub(TwinActivities.class, VeilActivityOptions.CREATE_BUILD);
  private final TwinActivities loadSchema =
      Workflow.newActivityStub(TwinActivities.class, VeilActivityOptions.LOAD_SCHEMA);
  private final TwinActivities buildTwin =
      Workflow.newActivityStub(TwinActivities.class, VeilActivityOptions.BUILD);
  private final TwinActivities swapTwin =
      Workflow.newActivityStub(TwinActivities.class, VeilActivityOptions.SWAP);
  private final TwinActivities discardBuild =
      Workflow.newActivityStub(TwinActivities.class, VeilActivityOptions.DISCARD);
  private final VerifyActivities verify =
      Workflow.newActivityStub(VerifyActivities.class, VeilActivityOptions.VERIFY);
  private final SnapshotActivities snapshots =
      Workflow.newActivityStub(SnapshotActivities.class, VeilActivityOptions.HOLD_SNAPSHOT);
  private final DeliveryActivities awaitDeliverySnapshot =
      Workflow.newActivityStub(
          DeliveryActivities.class, VeilActivityOptions.AWAIT_DELIVERY_SNAPSHOT);
  private final DeliveryActivities publishDelivery =
      Workflow.newActivityStub(DeliveryActivities.class, VeilActivityOptions.PUBLISH_DELIVERY);
  private final DeliveryActivities discardDelivery =
      Workflow.newActivityStub(DeliveryActivities.class, VeilActivityOptions.DISCARD);

  /**
   * The database twin: one source snapshot, schema by pg_dump, a build database swapped in by
   * rename. Histories recorded before it (staging schema, table swap) replay on the old path.
   */
  private static final String TWIN_CHANGE = "database-twin";
  /** The leak check between the build and the swap; runs recorded before it swap unchecked. */
  private static final String LEAK_CHECK_CHANGE = "leak-check";
  /**
   * Data delivery: files under a run prefix instead of a database twin. Asked only by runs whose
   * plan is a delivery, so no twin run (recorded or new) carries its marker.
   */
  private static final String DELIVERY_CHANGE = "data-delivery";
  /** Snapshots lost in a row before the run gives up. */
  static final int MAX_EPOCHS = 5;

  /** The privacy report posted to the cloud API; runs recorded before it post none. */
  private static final String REPORT_POST_CHANGE = "privacy-report-post";

  /** Cloud reporting (events + log tails): on for runs started by a worker that knows it. */
  private static final String REPORTING_CHANGE = "cloud-reporting";
  private static final String TABLE_TASK_QUEUE_CHANGE = "table-task-queue";
  /** Longest the end of a run waits for its last reports to go out. */
  private static final Duration REPORT_DRAIN = Duration.ofSeconds(30);
  /** At most one progress event per table this often. */
  private static final long PROGRESS_EVERY_MILLIS = 5_000;

  private boolean reportingOn;
  private final ArrayDeque<Object> outbox = new ArrayDeque<>();
  private boolean outboxClosed;
  private boolean outboxDrained;
  private boolean reporterStarted;
  private long eventSeq;
  private final Map<String, Long> lastProgressAt = new HashMap<>();

  private String pipelineId;
  private String runId;
  private long startedAt;
  private RunState state = RunState.PLANNING;
  private String error;
  private List<String> warnings = List.of();
  private final Map<String, TableCounters> tables = new LinkedHashMap<>();

  private RunPlan plan;
  private CancellationScope mainScope;
  private String cancelReason;
  private int runningTasks;
  private TaskFailure firstFailure;
  private boolean databaseTwin;
  private boolean delivery;
  private Throwable deliveryFailure;
  private int epoch;
  private boolean snapshotLost;
  private SnapshotInfo snapshot;
  private boolean swapStarted;

  @Override
  public RunSummary run(PipelineRunInput input) {
    runId = Workflow.getInfo().getWorkflowId();
    startedAt = Workflow.currentTimeMillis();
    if (input == null || input.pipelineId() == null || input.pipelineId().isBlank()) {
      state = RunState.FAILED;
      error = "pipelineId: required in the run input, e.g. {\"pipelineId\":\"demo\"}";
      throw ApplicationFailure.newNonRetryableFailure(error, FailureTypes.INVALID_SPEC);
    }
    pipelineId = input.pipelineId();
    log.info("run started pipeline={} run={}", pipelineId, runId);
    if (!input.reports()) {
      // no reporting asked for: no reporting command at all (and so no version marker)
      reporterStarted = true;
      reportingOn = false;
    }
    // queued now, sent once planning is done (see startReporter)
    emit(RunEventType.RUN_STARTED, null, null, null, null, null, null);

    mainScope = Workflow.newCancellationScope(() -> runSteps(input));
    try {
      if (cancelReason != null) {
        // cancelled by signal before the first step was even scheduled
        mainScope.cancel(cancelReason);
      }
      mainScope.run();
    } catch (TemporalFailure failure) {
      if ((mainScope.isCancelRequested() || failure instanceof CanceledFailure)) {
        // a swap that had started and failed left the old twin as it was: cancelled is true
        return cancelled(failure);
      }
      ApplicationFailure failedWith = failed(failure);
      emit(RunEventType.RUN_FAILED, null, null, totalRows(), null, elapsed(), error);
      drainReports();
      throw failedWith;
    }
    state = RunState.SUCCEEDED;
    if (cancelReason != null || mainScope.isCancelRequested()) {
      // the cancel came once the swap was final: the new twin is in place, and the outcome says
      // so (Temporal still records a native cancel as Canceled: the Java SDK always does)
      warnings = append(warnings, delivery
          ? "a cancel arrived once the delivery was being published; it is published"
          : "a cancel arrived after the swap was final; the new twin is in place");
    }
    log.info("run succeeded pipeline={} run={} rows={}", pipelineId, runId, totalRows());
    emit(RunEventType.RUN_SUCCEEDED, null, null, totalRows(), null, elapsed(), null);
    drainReports();
    return summary();
  }

  private void runSteps(PipelineRunInput input) {
    PipelineSpec spec = input.spec() != null ? input.spec() : config.fetchPipeline(pipelineId);
    // Temporal's run id: a UUID unique for ever, even where workflow ids repeat (an in-memory
    // dev server that restarted). Not Workflow.randomUUID(): that would shift the ids of every
    // later activity and break the replay of runs recorded before.
    String runUid = Workflow.getInfo().getRunId();
    plan = planning.plan(new PlanRequest(spec, runId, runUid));
    startReporter();
    warnings = plan.warnings() == null ? List.of() : plan.warnings();
    for (TablePlan table : plan.tables()) {
      tables.put(table.qualifiedName(), new TableCounters(table));
    }
    if (plan.delivery() != null) {
      if (Workflow.getVersion(DELIVERY_CHANGE, Workflow.DEFAULT_VERSION, 1)
          == Workflow.DEFAULT_VERSION) {
        throw ApplicationFailure.newNonRetryableFailure(
            "target.delivery: this worker's run history predates data delivery",
            FailureTypes.UNSUPPORTED);
      }
      delivery = true;
      deliverySteps(spec);
      return;
    }
    databaseTwin =
        Workflow.getVersion(TWIN_CHANGE, Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION;
    if (!databaseTwin) {
      stagingSchemaSteps(spec);
      return;
    }

    copyUnderOneSnapshot(spec);

    state = RunState.FINALIZING;
    buildTwin.buildTwin(plan);
    if (Workflow.getVersion(LEAK_CHECK_CHANGE, Workflow.DEFAULT_VERSION, 1)
        != Workflow.DEFAULT_VERSION) {
      checkLeaks(spec.effectiveVerify());
    }
    // Once the swap starts it runs to the end, so a cancel cannot leave the target between two
    // states. The replaced twin waits aside until the run knows its outcome: a cancel that came
    // meanwhile puts it back (CANCELLED means the old twin is exactly as it was), otherwise it is
    // dropped or kept for rollback (SUCCEEDED means the new twin is in place).
    swapStarted = true;
    Workflow.newDetachedCancellationScope(() -> swapTwin.swapTwin(plan)).run();
    if (mainScope.isCancelRequested()) {
      Workflow.newDetachedCancellationScope(() -> swapTwin.undoSwap(plan)).run();
      throw new CanceledFailure("cancelled during the swap: the old twin was put back");
    }
    Workflow.newDetachedCancellationScope(() -> swapTwin.finishSwap(plan)).run();
  }

  /**
   * A delivery: the chunks write part files under the run prefix, under one source snapshot, and
   * the publish step writes the manifest last. No database is created; a lost snapshot deletes the
   * epoch's files and starts over under a new one. Publishing is not cancelled once it started: a
   * delivery is either published whole or, on failure or cancel, deleted by {@link #cleanUp()}.
   */
  private void deliverySteps(PipelineSpec spec) {
    for (epoch = 1; ; epoch++) {
      state = RunState.PREPARING;
      snapshotLost = false;
      CancellationScope holder = holdSnapshot();
      try {
        awaitDeliverySnapshot.awaitSnapshot(plan, epoch);
        state = RunState.COPYING;
        if (copyTables(spec)) {
          break;
        }
      } catch (ActivityFailure failure) {
        if (FailureTypes.DELIVERY_FAILED.equals(failureType(failure))
            || (!snapshotLost && !FailureTypes.SNAPSHOT_LOST.equals(failureType(failure)))) {
          throw failure;
        }
      }
      if (deliveryFailure != null) {
        // the storage refused the holder: starting over cannot help
        throw ApplicationFailure.newNonRetryableFailureWithCause(describe(deliveryFailure),
            FailureTypes.DELIVERY_FAILED, deliveryFailure);
      }
      holder.cancel("snapshot lost");
      if (epoch >= MAX_EPOCHS) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the source snapshot was lost " + epoch + " times in a row (the connection holding it"
                + " broke or its worker died); nothing was published",
            FailureTypes.SNAPSHOT_LOST);
      }
      log.warn("source snapshot lost, delivering again under a new one pipeline={} run={} epoch={}",
          pipelineId, runId, epoch + 1);
      Workflow.await(() -> runningTasks == 0);
      discardDelivery.discard(plan);
      for (TableCounters counters : tables.values()) {
        counters.restart();
      }
    }
    state = RunState.FINALIZING;
    swapStarted = true;
    DeliveryResult[] published = new DeliveryResult[1];
    Workflow.newDetachedCancellationScope(() -> published[0] = publishDelivery.publish(plan))
        .run();
    log.info("delivery published pipeline={} run={} files={} pruned={}", pipelineId, runId,
        published[0].files(), published[0].pruned());
  }

  /**
   * The leak check (it also releases the source snapshot, so it runs even when the policy is
   * off). On {@code fail} findings end the run here: the failure path drops the build database and
   * the old twin stays; on {@code warn} they become warnings. Messages carry names and counts only.
   */
  private void checkLeaks(VerifySpec policy) {
    LeakCheckResult result = verify.checkLeaks(new LeakCheckRequest(plan, policy));
    if (result.report() != null && !reportingOff()
        && Workflow.getVersion(REPORT_POST_CHANGE, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION) {
      // posted by the reporter, after the events queued before it, whatever the verdict
      outbox.add(new PrivacyReportPost(runId, pipelineId, result.report()));
    }
    if (result.clean()) {
      return;
    }
    List<String> found = new ArrayList<>();
    for (LeakFinding finding : result.findings()) {
      found.add(finding.describe());
    }
    String findings = String.join("; ", found);
    if (policy.mode() == VerifySpec.VerifyMode.fail) {
      throw ApplicationFailure.newNonRetryableFailure(
          "leak check: personal data reached the new twin, which is dropped (the old twin is"
              + " unchanged): " + findings,
          FailureTypes.LEAK_FOUND);
    }
    log.warn("leak check found personal data (mode warn) pipeline={} run={} findings={}",
        pipelineId, runId, result.findings().size());
    warnings = append(warnings, "leak check (mode warn): " + findings);
  }

  /**
   * Builds the new twin's schema and copies every chunk under one exported source snapshot. When
   * the snapshot is lost (its holder's connection or worker died) the build database is dropped and
   * everything starts over under a new snapshot: a new epoch, so no chunk of two snapshots mixes.
   */
  private void copyUnderOneSnapshot(PipelineSpec spec) {
    for (epoch = 1; ; epoch++) {
      state = RunState.PREPARING;
      snapshotLost = false;
      createBuild.createBuildDatabase(plan, epoch);
      CancellationScope holder = holdSnapshot();
      try {
        loadSchema.loadSchema(plan, epoch);
        state = RunState.COPYING;
        if (copyTables(spec)) {
          return;
        }
      } catch (ActivityFailure failure) {
        if (!snapshotLost && !FailureTypes.SNAPSHOT_LOST.equals(failureType(failure))) {
          throw failure;
        }
      }
      // The snapshot is gone: start over under a new one.
      holder.cancel("snapshot lost");
      if (epoch >= MAX_EPOCHS) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the source snapshot was lost " + epoch + " times in a row (the connection holding it"
                + " broke or its worker died); the old twin is unchanged",
            FailureTypes.SNAPSHOT_LOST);
      }
      log.warn("source snapshot lost, copying again under a new one pipeline={} run={} epoch={}",
          pipelineId, runId, epoch + 1);
      discardBuild.discardBuild(plan);
      Workflow.await(() -> runningTasks == 0);
      for (TableCounters counters : tables.values()) {
        counters.restart();
      }
    }
  }

  /**
   * Starts the current epoch's snapshot holder in a scope of its own (cancelled when the epoch is
   * given up). Its end records the snapshot, or marks it lost (released or not, a snapshot nobody
   * holds can no longer be imported), or, for a delivery whose storage refused the holder, keeps
   * that failure: starting over cannot help then.
   */
  private CancellationScope holdSnapshot() {
    int holderEpoch = epoch;
    CancellationScope holder =
        Workflow.newCancellationScope(
            () ->
                Async.function(snapshots::holdSnapshot, plan, holderEpoch)
                    .handle(
                        (info, failure) -> {
                          if (holderEpoch != epoch) {
                            return null;
                          }
                          if (failure == null) {
                            snapshot = info;
                          } else if (FailureTypes.DELIVERY_FAILED.equals(failureType(failure))) {
                            deliveryFailure = failure;
                          } else if (!isCancel(failure)) {
                            snapshotLost = true;
                          }
                          return null;
                        }));
    holder.run();
    return holder;
  }

  /** The staging-schema run of histories recorded before the database twin. */
  private void stagingSchemaSteps(PipelineSpec spec) {
    state = RunState.PREPARING;
    prepareTarget.prepare(plan);

    state = RunState.COPYING;
    if (!copyTables(spec)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the source snapshot was lost", FailureTypes.SNAPSHOT_LOST);
    }

    state = RunState.FINALIZING;
    buildTarget.build(plan);
    Workflow.newDetachedCancellationScope(() -> swapTarget.swap(plan)).run();
  }

  /**
   * Runs every chunk task, at most {@code maxActiveTasks} at once. Returns false when the source
   * snapshot was lost (the caller starts a new epoch); throws when a task failed.
   *
   * <p>The first failure does not cancel the sibling tasks with activity cancellations: it drops
   * the build database, which makes every running attempt fail at once with nothing to retry
   * against. Temporal's Java test server (the dev server) rejects a cancel of an activity whose
   * sibling fails in the same instant, which stalled runs; this shape never sends one.
   */
  private boolean copyTables(PipelineSpec spec) {
    // Chunks go to their own task queue; runs recorded before it existed replay on the old one.
    String taskQueue =
        Workflow.getVersion(TABLE_TASK_QUEUE_CHANGE, Workflow.DEFAULT_VERSION, 1)
                == Workflow.DEFAULT_VERSION
            ? null
            : Veil.TABLE_TASK_QUEUE;
    TaskActivities tasks =
        Workflow.newActivityStub(
            TaskActivities.class, VeilActivityOptions.task(spec.effectiveExecutor(), taskQueue));
    List<TableTask> queue = tasksOf(plan, spec, epoch);
    int limit = Math.max(1, plan.maxActiveTasks());
    firstFailure = null;
    int taskEpoch = epoch;

    CancellationScope copyScope =
        Workflow.newCancellationScope(
            () -> {
          for (TableTask task : queue) {
            Workflow.await(() -> runningTasks < limit || firstFailure != null || snapshotLost);
            if (firstFailure != null || snapshotLost) {
              return;
            }
            runningTasks++;
            TableCounters counters = tables.get(task.sourceSchema() + "." + task.table());
            counters.state = TableState.RUNNING;
            emit(RunEventType.TASK_STARTED, task.taskId(), counters.table.qualifiedName(),
                null, task.estimatedRows(), null, null);
            long taskStartedAt = Workflow.currentTimeMillis();
            Promise<TaskResult> result = Async.function(tasks::run, task);
            result.handle(
                (done, failure) -> {
                  runningTasks--;
                  if ((databaseTwin || delivery) && (taskEpoch != epoch || snapshotLost)) {
                    // this epoch's copy is being thrown away: its results no longer count
                    return null;
                  }
                  if (failure == null) {
                    counters.chunkDone(done);
                    emit(RunEventType.TASK_SUCCEEDED, task.taskId(),
                        counters.table.qualifiedName(), done.rows(), null,
                        Workflow.currentTimeMillis() - taskStartedAt, null);
                    progressOf(counters);
                  } else if (FailureTypes.SNAPSHOT_LOST.equals(failureType(failure))) {
                    snapshotLost = true;
                  } else if (firstFailure != null
                      && FailureTypes.BUILD_DATABASE_GONE.equals(failureType(failure))) {
                    // stopped because a sibling failed: not a failure of its own
                    counters.chunkStopped();
                  } else {
                    counters.chunkFailed(failure);
                    if (counters.state == TableState.FAILED) {
                      emit(RunEventType.TASK_FAILED, task.taskId(),
                          counters.table.qualifiedName(), null, null,
                          Workflow.currentTimeMillis() - taskStartedAt, counters.error);
                      if (!reportingOff()) {
                        outbox.add(new LogTailRequest(runId, pipelineId, task.taskId(),
                            counters.error));
                      }
                    }
                    if (firstFailure == null && !isCancel(failure)) {
                      firstFailure = new TaskFailure(counters.table.qualifiedName(), failure);
                    }
                  }
                  return null;
                });
          }
            });
    copyScope.run();
    Workflow.await(() -> runningTasks == 0 || firstFailure != null || snapshotLost);
    if (snapshotLost && (databaseTwin || delivery) && firstFailure == null) {
      return false;
    }
    if (firstFailure != null) {
      if (delivery) {
        // nothing to drop that would stop the running chunks, and no activity cancel (see above):
        // they finish, and the failure path deletes every file they wrote
      } else if (databaseTwin) {
        // stops every running attempt: they fail at once against a dropped database
        discardBuild.discardBuild(plan);
      } else {
        copyScope.cancel("table " + firstFailure.table + " failed");
      }
      Workflow.await(() -> runningTasks == 0);
      for (TableCounters counters : tables.values()) {
        if (counters.state == TableState.RUNNING || counters.state == TableState.PENDING) {
          counters.state = TableState.CANCELLED;
        }
      }
      throw firstFailure.asApplicationFailure();
    }
    return !snapshotLost;
  }

  private static List<TableTask> tasksOf(RunPlan plan, PipelineSpec spec, int epoch) {
    List<TableTask> tasks = new ArrayList<>();
    for (TablePlan table : plan.tables()) {
      if (table.mode() == TableMode.schema) {
        continue;
      }
      List<ChunkRange> chunks = table.chunks();
      for (int i = 0; i < chunks.size(); i++) {
        long estimate = table.estimatedRows() / Math.max(1, chunks.size());
        tasks.add(
            new TableTask(
                plan.pipelineId(),
                plan.runId(),
                table.qualifiedName() + "#" + i,
                plan.sourceConnection(),
                plan.targetConnection(),
                plan.buildDatabase(),
                table.sourceSchema(),
                table.sourceSchema(),
                table.name(),
                table.columns(),
                table.where(),
                table.sample(),
                chunks.get(i),
                estimate,
                spec.resources(),
                spec.nodeSelector(),
                spec.tolerations(),
                epoch,
                plan.runUid(),
                table.subset(),
                plan.delivery()));
      }
    }
    return tasks;
  }

  private RunSummary cancelled(TemporalFailure failure) {
    state = RunState.CANCELLING;
    String reason = cancelReason != null ? cancelReason : "cancellation requested";
    log.info("run cancelling pipeline={} run={} reason={}", pipelineId, runId, reason);
    cleanUp();
    for (TableCounters counters : tables.values()) {
      if (counters.state != TableState.COPIED && counters.state != TableState.FAILED) {
        counters.state = TableState.CANCELLED;
      }
    }
    state = RunState.CANCELLED;
    error = "cancelled: " + reason;
    if (!reporterStarted) {
      // Cancelled before planning was done: not reported. Any command beside the activity
      // cancel just sent makes the Java test server reject that cancel (ACTIVITY_UNKNOWN) and
      // stall the run, so this path adds none, exactly as before reporting existed.
      reporterStarted = true;
      reportingOn = false;
    }
    emit(RunEventType.RUN_CANCELLED, null, null, totalRows(), null, elapsed(), reason);
    drainReports();
    if (cancelReason == null) {
      // native cancellation: the workflow ends as Canceled in Temporal
      throw failure instanceof CanceledFailure c ? c : new CanceledFailure(reason);
    }
    return summary();
  }

  private ApplicationFailure failed(TemporalFailure failure) {
    // A failure the workflow raised itself (a table failed) already says which table; describe()
    // would dig below it to the activity's bare message.
    error =
        failure instanceof ApplicationFailure app ? app.getOriginalMessage() : describe(failure);
    log.warn("run failed pipeline={} run={} error={}", pipelineId, runId, error);
    cleanUp();
    state = RunState.FAILED;
    if (failure instanceof ApplicationFailure app) {
      return app;
    }
    String type = failure.getCause() instanceof ApplicationFailure app ? app.getType() : null;
    return ApplicationFailure.newNonRetryableFailureWithCause(
        error, type == null ? FailureTypes.TASK_FAILED : type, failure);
  }

  /** Waits for cancelled tasks to stop, then drops staging; runs even when the run is cancelled. */
  private void cleanUp() {
    Workflow.newDetachedCancellationScope(
            () -> {
              Workflow.await(() -> runningTasks == 0);
              if (plan != null && delivery) {
                try {
                  discardDelivery.discard(plan);
                } catch (ActivityFailure e) {
                  // the run's outcome stands; its partial files (never a manifest) remain
                  log.warn("partial delivery files not deleted pipeline={} run={}", pipelineId,
                      runId);
                  warnings = append(warnings, "the run's partial files could not be deleted ("
                      + describe(e) + "); they have no manifest, so they are no delivery");
                }
              } else if (plan != null && databaseTwin) {
                discardBuild.discardBuild(plan);
              } else if (plan != null) {
                discardTarget.discard(plan);
              }
            })
        .run();
  }

  @Override
  public void cancel(CancelRequest request) {
    if (state.terminal() || cancelReason != null) {
      return;
    }
    cancelReason =
        request == null || request.reason() == null || request.reason().isBlank()
            ? "cancel signal"
            : request.reason();
    if (mainScope != null) {
      mainScope.cancel(cancelReason);
    }
  }

  @Override
  public RunProgress progress() {
    List<TableProgress> list = new ArrayList<>();
    for (TableCounters counters : tables.values()) {
      list.add(counters.snapshot());
    }
    return new RunProgress(pipelineId, runId, state, list, startedAt, error, warnings);
  }

  private RunSummary summary() {
    return new RunSummary(
        pipelineId,
        runId,
        state,
        progress().tables(),
        totalRows(),
        Workflow.currentTimeMillis() - startedAt,
        cancelReason,
        warnings);
  }

  private long elapsed() {
    return Workflow.currentTimeMillis() - startedAt;
  }

  /** A progress event for a table that is not done yet, at most one per table per 5 s. */
  private void progressOf(TableCounters counters) {
    if (reportingOff() || counters.state == TableState.COPIED) {
      return;
    }
    String table = counters.table.qualifiedName();
    long now = Workflow.currentTimeMillis();
    Long last = lastProgressAt.get(table);
    if (last != null && now - last < PROGRESS_EVERY_MILLIS) {
      return;
    }
    lastProgressAt.put(table, now);
    emit(RunEventType.TASK_PROGRESS, null, table, counters.rowsDone,
        counters.table.estimatedRows(), null, null);
  }

  /** Whether this run has decided not to report (a run recorded before reporting existed). */
  private boolean reportingOff() {
    return reporterStarted && !reportingOn;
  }

  /** Queues an event; the reporter thread sends them in order, off the critical path. */
  private void emit(RunEventType type, String task, String table, Long rows, Long estimated,
      Long millis, String message) {
    if (reportingOff()) {
      return;
    }
    outbox.add(new RunEvent(runId, pipelineId, ++eventSeq, type, task, table, rows, estimated,
        millis, message, Workflow.currentTimeMillis()));
    if (type == RunEventType.RUN_SUCCEEDED
        || type == RunEventType.RUN_FAILED
        || type == RunEventType.RUN_CANCELLED) {
      startReporter();
    }
  }

  /**
   * Sends queued reports one at a time, in order, in a detached scope (a cancelled run still
   * reports that it was cancelled). A failed report is dropped with a warning; while the API
   * fails, progress events are dropped unsent.
   *
   * <p>It starts once planning is done (or the run ends before that), not with the run: a cancel
   * that comes while the first activities are still scheduled then finds only them, as before
   * reporting existed (Temporal's Java test server rejects a cancel that races an activity's
   * completion, and a second activity scheduled at the start made that race the usual case).
   */
  private void startReporter() {
    if (reporterStarted) {
      return;
    }
    reporterStarted = true;
    // Runs recorded before reporting existed replay without it. Asked here rather than at the
    // start: a version marker in the same workflow task as the first activity makes the Java test
    // server reject a cancel of that activity (ACTIVITY_UNKNOWN), which stalls the run.
    reportingOn =
        Workflow.getVersion(REPORTING_CHANGE, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION;
    if (!reportingOn) {
      outbox.clear();
      return;
    }
    Workflow.newDetachedCancellationScope(
            () ->
                Async.procedure(
                    () -> {
                      boolean failing = false;
                      while (true) {
                        Workflow.await(() -> !outbox.isEmpty() || outboxClosed);
                        Object item = outbox.poll();
                        if (item == null) {
                          break;
                        }
                        if (failing && item instanceof RunEvent e
                            && e.type() == RunEventType.TASK_PROGRESS) {
                          continue;
                        }
                        try {
                          if (item instanceof RunEvent e) {
                            reporting.report(e);
                          } else if (item instanceof PrivacyReportPost post) {
                            reporting.postPrivacyReport(post);
                          } else {
                            reporting.uploadLogTail((LogTailRequest) item);
                          }
                          failing = false;
                        } catch (ActivityFailure e) {
                          failing = true;
                          log.warn("report dropped pipeline={} run={} report={}", pipelineId,
                              runId, item instanceof RunEvent ev ? ev.type()
                                  : item instanceof PrivacyReportPost ? "privacy report"
                                  : "log tail");
                        }
                      }
                      outboxDrained = true;
                    }))
        .run();
  }

  /** Lets the last reports go out, for at most {@link #REPORT_DRAIN}. */
  private void drainReports() {
    if (!reportingOn) {
      return;
    }
    outboxClosed = true;
    Workflow.newDetachedCancellationScope(
            () -> Workflow.await(REPORT_DRAIN, () -> outboxDrained))
        .run();
  }

  private long totalRows() {
    return tables.values().stream().mapToLong(t -> t.rowsDone).sum();
  }

  /**
   * The root cause in words: the message of the innermost application failure (activities put the
   * useful, scrubbed words there), or what timed out.
   */
  static String describe(Throwable failure) {
    Throwable t = failure;
    String message = failure.getMessage();
    while (t != null) {
      if (t instanceof ApplicationFailure app) {
        message = app.getOriginalMessage();
      } else if (t instanceof TimeoutFailure timeout && !(t.getCause() instanceof ApplicationFailure)) {
        message = "timed out (" + timeout.getTimeoutType().name().toLowerCase().replace("timeout_type_", "")
            .replace('_', ' ') + "): the worker running it stopped answering";
      }
      t = t.getCause();
    }
    return message;
  }

  /** The type of the innermost application failure, or null. */
  static String failureType(Throwable failure) {
    String type = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure app) {
        type = app.getType();
      }
    }
    return type;
  }

  private static boolean isCancel(Throwable failure) {
    return failure instanceof CanceledFailure
        || (failure instanceof ActivityFailure && failure.getCause() instanceof CanceledFailure);
  }

  private static List<String> append(List<String> list, String item) {
    List<String> out = new ArrayList<>(list);
    out.add(item);
    return out;
  }

  private static final class TaskFailure {
    final String table;
    final Throwable cause;

    TaskFailure(String table, Throwable cause) {
      this.table = table;
      this.cause = cause;
    }

    ApplicationFailure asApplicationFailure() {
      String message = "table " + table + " failed: " + describe(cause);
      return ApplicationFailure.newNonRetryableFailureWithCause(
          message, FailureTypes.TASK_FAILED, cause instanceof ActivityFailure ? cause : null);
    }
  }

  /** Mutable per-table counters; only ever touched on the workflow thread. */
  private static final class TableCounters {
    final TablePlan table;
    final int chunksTotal;
    TableState state;
    long rowsDone;
    long bytes;
    int chunksDone;
    String error;

    TableCounters(TablePlan table) {
      this.table = table;
      boolean copies = table.mode() != TableMode.schema;
      this.chunksTotal = copies ? table.chunks().size() : 0;
      this.state = copies && chunksTotal > 0 ? TableState.PENDING : TableState.COPIED;
    }

    void chunkDone(TaskResult result) {
      rowsDone += result.rows();
      bytes += result.bytes();
      chunksDone++;
      if (chunksDone == chunksTotal && state != TableState.FAILED) {
        state = TableState.COPIED;
      }
    }

    /** A new epoch copies the table again from nothing. */
    void restart() {
      rowsDone = 0;
      bytes = 0;
      chunksDone = 0;
      error = null;
      boolean copies = table.mode() != TableMode.schema;
      state = copies && chunksTotal > 0 ? TableState.PENDING : TableState.COPIED;
    }

    /** Stopped because another table failed. */
    void chunkStopped() {
      if (state != TableState.FAILED) {
        state = TableState.CANCELLED;
      }
    }

    void chunkFailed(Throwable failure) {
      if (failure instanceof ActivityFailure && failure.getCause() instanceof CanceledFailure) {
        // a sibling chunk cancelled because this table failed must not hide the failure
        if (state != TableState.FAILED) {
          state = TableState.CANCELLED;
        }
      } else {
        state = TableState.FAILED;
        error = describe(failure);
      }
    }

    TableProgress snapshot() {
      return new TableProgress(
          table.qualifiedName(),
          state,
          rowsDone,
          table.estimatedRows(),
          bytes,
          chunksDone,
          chunksTotal,
          error);
    }
  }
}
