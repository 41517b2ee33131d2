package dev.veil.workflows.pipeline;

import dev.veil.workflows.Veil;
import dev.veil.workflows.run.CancelRequest;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import dev.veil.workflows.spec.PipelineSpec;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;

/**
 * Deterministic loop of one pipeline: sleep until the next cron fire or a signal, start a child run,
 * record how it ended. Cron times come from {@link CronSchedule} over {@code
 * Workflow.currentTimeMillis()}, so replays compute the same fires. Signal handlers only change
 * state; the loop acts on it.
 */
public class PipelineWorkflowImpl implements PipelineWorkflow {

  private static final Logger log = Workflow.getLogger(PipelineWorkflowImpl.class);
  /** Change id: run ids carry a random part, unique across lives of the pipeline. */
  static final String UNIQUE_RUN_IDS = "unique-run-ids";
  /** Failure type of a {@code runNow} update that found a run in flight. */
  public static final String RUN_IN_FLIGHT = "RunInFlight";

  private String pipelineId;
  private PipelineSpec spec;
  private int runsPerExecution;
  private Boolean report;
  private CronSchedule schedule;
  private String scheduleError;

  private long runsStarted;
  private int runsThisExecution;
  private boolean paused;
  private boolean runNowPending;
  private boolean removed;
  private boolean ended;
  private final List<RunRecord> recentRuns = new ArrayList<>();
  private long skippedFires;
  private Long nextFireAt;

  private String currentRunId;
  private boolean currentRunStarted;
  private String cancelReason;
  /** {@code runNow} updates received; each waits for the fire that serves its ticket. */
  private long runNowTickets;
  /**
   * Served tickets: the highest ticket a RUN_NOW fire served, and the run id it started (or
   * {@code -<run in flight>} when it was skipped).
   */
  private final TreeMap<Long, String> runNowAnswers = new TreeMap<>();
  /** Set by every signal and child event, so the loop wakes up and looks again. */
  private boolean wake;

  @Override
  public PipelineStatus run(PipelineInput input) {
    if (input == null || input.spec() == null || blank(input.pipelineId())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "pipelineId and spec: required in the Pipeline workflow input",
          dev.veil.workflows.FailureTypes.INVALID_SPEC);
    }
    pipelineId = input.pipelineId();
    // signal-with-start delivers the signal before this method runs: a refresh then wins
    spec = spec != null ? spec : input.spec();
    runsPerExecution = input.effectiveRunsPerExecution();
    report = input.report();
    PipelineMemory memory = input.memory();
    if (memory != null) {
      runsStarted = memory.runsStarted();
      paused = paused || memory.paused();
      runNowPending = runNowPending || memory.runNowPending();
      if (memory.recentRuns() != null) {
        recentRuns.addAll(memory.recentRuns());
      }
      skippedFires = memory.skippedFires();
    }
    useSchedule(memory == null ? null : memory.nextFireAtMillis());
    log.info(
        "pipeline workflow started pipeline={} version={} schedule={} next={}",
        pipelineId,
        spec.version(),
        spec.schedule(),
        nextFireAt);

    while (!(removed && currentRunId == null)) {
      if (cancelReason != null && currentRunId == null) {
        cancelReason = null; // nothing to cancel any more
      }
      if (cancelReason != null && currentRunStarted) {
        String reason = cancelReason;
        cancelReason = null;
        try {
          Workflow.newExternalWorkflowStub(PipelineRunWorkflow.class, currentRunId)
              .cancel(new CancelRequest(reason));
        } catch (SignalExternalWorkflowException e) {
          log.info("run already gone pipeline={} run={}", pipelineId, currentRunId);
        }
        continue;
      }
      if (currentRunId == null
          && !removed
          && Workflow.isEveryHandlerFinished()
          && historyIsLarge()) {
        log.info(
            "pipeline workflow continues as new pipeline={} runsStarted={}",
            pipelineId,
            runsStarted);
        Workflow.continueAsNew(
            new PipelineInput(
                pipelineId, spec, memory(), input.runsPerExecution(), input.report()));
      }
      long now = Workflow.currentTimeMillis();
      if (!removed && nextFireAt != null && now >= nextFireAt) {
        fire(RunTrigger.SCHEDULE, now);
        nextFireAt = schedule == null ? null : schedule.nextAfter(now);
        continue;
      }
      if (!removed && runNowPending) {
        runNowPending = false;
        long upTo = runNowTickets;
        String started = fire(RunTrigger.RUN_NOW, now);
        runNowAnswers.put(upTo, started != null ? started : "-" + currentRunId);
        while (runNowAnswers.size() > 16) {
          runNowAnswers.pollFirstEntry();
        }
        continue;
      }
      wake = false;
      if (nextFireAt == null || removed) {
        Workflow.await(() -> wake);
      } else {
        Workflow.await(Duration.ofMillis(nextFireAt - now), () -> wake);
      }
    }
    ended = true;
    log.info("pipeline workflow ended pipeline={} runsStarted={}", pipelineId, runsStarted);
    return status();
  }

  /**
   * Starts a child run and returns its id, or records a skipped fire when a run is still going
   * and returns null.
   */
  private String fire(RunTrigger trigger, long now) {
    if (currentRunId != null) {
      skippedFires++;
      remember(
          new RunRecord(
              currentRunId,
              spec.version(),
              trigger,
              RunOutcome.SKIPPED,
              now,
              0,
              0,
              "skipped: run " + currentRunId + " was still going"));
      log.info("fire skipped pipeline={} run={} trigger={}", pipelineId, currentRunId, trigger);
      return null;
    }
    runsStarted++;
    runsThisExecution++;
    String runId = Veil.runWorkflowId(pipelineId, runSuffix());
    String version = spec.version();
    currentRunId = runId;
    currentRunStarted = false;
    remember(new RunRecord(runId, version, trigger, RunOutcome.RUNNING, now, 0, 0, null));
    log.info("run starting pipeline={} run={} version={} trigger={}", pipelineId, runId, version,
        trigger);

    PipelineRunWorkflow child =
        Workflow.newChildWorkflowStub(
            PipelineRunWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(runId)
                // a new life of the pipeline (config removed and added again) counts from 1 again
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                // if this workflow is terminated, the run still cleans up its staging
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
                .build());
    Promise<RunSummary> result =
        Async.function(child::run, new PipelineRunInput(pipelineId, spec, report));
    Workflow.getWorkflowExecution(child)
        .handle(
            (execution, failure) -> {
              if (runId.equals(currentRunId)) {
                currentRunStarted = failure == null;
              }
              wake = true;
              return null;
            });
    result.handle(
        (summary, failure) -> {
          finished(runId, now, summary, failure);
          return null;
        });
    return runId;
  }

  /**
   * {@code <n>-<8 hex>}: the counter restarts with a new life of the pipeline (and the dev server
   * forgets every workflow when it restarts), so a random part drawn in the workflow keeps a run
   * id unique for ever; idempotency ledgers keyed by run id depend on it. Histories from before
   * the change keep the bare counter.
   */
  private String runSuffix() {
    String n = Long.toString(runsStarted);
    if (Workflow.getVersion(UNIQUE_RUN_IDS, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return n;
    }
    return n + "-" + Workflow.randomUUID().toString().substring(0, 8);
  }

  private void finished(String runId, long startedAt, RunSummary summary, Exception failure) {
    long millis = Workflow.currentTimeMillis() - startedAt;
    RunOutcome outcome;
    long rows = 0;
    String error = null;
    if (failure == null) {
      rows = summary.rows();
      outcome = summary.state() == RunState.CANCELLED ? RunOutcome.CANCELLED : RunOutcome.SUCCEEDED;
      error = summary.reason();
    } else if (causedBy(failure, CanceledFailure.class)) {
      outcome = RunOutcome.CANCELLED;
      error = "cancelled";
    } else {
      outcome = RunOutcome.FAILED;
      error = describe(failure);
    }
    for (int i = recentRuns.size() - 1; i >= 0; i--) {
      RunRecord r = recentRuns.get(i);
      if (r.runId().equals(runId) && r.outcome() == RunOutcome.RUNNING) {
        recentRuns.set(
            i,
            new RunRecord(
                runId, r.version(), r.trigger(), outcome, r.startedAtMillis(), millis, rows,
                error));
        break;
      }
    }
    log.info("run ended pipeline={} run={} outcome={} rows={}", pipelineId, runId, outcome, rows);
    if (runId.equals(currentRunId)) {
      currentRunId = null;
      currentRunStarted = false;
    }
    wake = true;
  }

  private void remember(RunRecord record) {
    recentRuns.add(record);
    while (recentRuns.size() > PipelineStatus.KEPT_RUNS) {
      recentRuns.remove(0);
    }
  }

  /** Parses the spec's schedule and sets the next fire; {@code carried} wins when still valid. */
  private void useSchedule(Long carried) {
    schedule = null;
    scheduleError = null;
    nextFireAt = null;
    if (blank(spec.schedule())) {
      return;
    }
    try {
      schedule = CronSchedule.parse(spec.schedule());
    } catch (IllegalArgumentException e) {
      scheduleError = e.getMessage();
      log.warn("pipeline schedule unusable pipeline={} error={}", pipelineId, scheduleError);
      return;
    }
    if (!paused) {
      nextFireAt = carried != null ? carried : schedule.nextAfter(Workflow.currentTimeMillis());
    }
  }

  private boolean historyIsLarge() {
    WorkflowInfo info = Workflow.getInfo();
    return runsThisExecution >= runsPerExecution
        || info.getHistoryLength() > PipelineInput.HISTORY_EVENTS_LIMIT
        || info.isContinueAsNewSuggested();
  }

  private PipelineMemory memory() {
    return new PipelineMemory(
        runsStarted, paused, runNowPending, List.copyOf(recentRuns), skippedFires, nextFireAt);
  }

  @Override
  public void runNow(RunNowRequest request) {
    runNowPending = true;
    wake = true;
  }

  @Override
  public void validateStartRun(RunNowRequest request) {
    if (removed) {
      throw new IllegalStateException("pipeline " + pipelineId + " is being removed");
    }
    if (currentRunId != null) {
      throw new IllegalStateException(
          "run " + currentRunId + " of pipeline " + pipelineId + " is still going");
    }
    if (runNowPending) {
      throw new IllegalStateException("a run of pipeline " + pipelineId + " is being started");
    }
  }

  @Override
  public RunNowResult startRun(RunNowRequest request) {
    long ticket = ++runNowTickets;
    runNowPending = true;
    wake = true;
    Workflow.await(() -> removed || !runNowAnswers.tailMap(ticket, true).isEmpty());
    Map.Entry<Long, String> answer = runNowAnswers.ceilingEntry(ticket);
    if (answer == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "pipeline " + pipelineId + " is being removed", RUN_IN_FLIGHT);
    }
    if (answer.getValue().startsWith("-")) {
      throw ApplicationFailure.newNonRetryableFailure(
          "run " + answer.getValue().substring(1) + " of pipeline " + pipelineId
              + " is still going",
          RUN_IN_FLIGHT);
    }
    return new RunNowResult(answer.getValue());
  }

  @Override
  public void cancelRun(CancelRequest request) {
    if (currentRunId != null) {
      cancelReason =
          request == null || blank(request.reason()) ? "cancelled by operator" : request.reason();
    }
    wake = true;
  }

  @Override
  public void pause(PauseRequest request) {
    paused = true;
    nextFireAt = null;
    wake = true;
  }

  @Override
  public void resume(ResumeRequest request) {
    if (paused && spec != null) {
      paused = false;
      nextFireAt = schedule == null ? null : schedule.nextAfter(Workflow.currentTimeMillis());
    }
    wake = true;
  }

  @Override
  public void refresh(RefreshRequest request) {
    if (request == null || request.spec() == null) {
      return;
    }
    if (pipelineId == null) {
      spec = request.spec(); // before run() started: run() takes it
      return;
    }
    String oldSchedule = spec.schedule();
    spec = request.spec();
    if (!Objects.equals(oldSchedule, spec.schedule())) {
      useSchedule(null);
    }
    log.info("pipeline refreshed pipeline={} version={}", pipelineId, spec.version());
    wake = true;
  }

  @Override
  public void remove(RemoveRequest request) {
    removed = true;
    runNowPending = false;
    nextFireAt = null;
    wake = true;
  }

  @Override
  public PipelineStatus status() {
    PipelineState state;
    if (ended) {
      state = PipelineState.ENDED;
    } else if (removed) {
      state = PipelineState.ENDING;
    } else if (currentRunId != null) {
      state = PipelineState.RUNNING;
    } else if (paused) {
      state = PipelineState.PAUSED;
    } else {
      state = PipelineState.IDLE;
    }
    return new PipelineStatus(
        pipelineId,
        spec == null ? null : spec.version(),
        spec == null ? null : spec.schedule(),
        state,
        paused,
        currentRunId,
        nextFireAt,
        List.copyOf(recentRuns),
        runsStarted,
        skippedFires,
        scheduleError);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The message of the innermost application failure: the run puts the table name there. */
  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure app) {
        message = app.getOriginalMessage();
        break;
      }
    }
    return message;
  }
}
