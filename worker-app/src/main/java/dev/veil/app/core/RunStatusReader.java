package dev.veil.app.core;

import com.google.protobuf.Timestamp;
import dev.veil.app.api.RunStatus;
import dev.veil.app.api.RunStatus.Outcome;
import dev.veil.workflows.plan.TaskHeartbeat;
import dev.veil.workflows.run.RunProgress;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import dev.veil.workflows.run.TableProgress;
import dev.veil.workflows.run.TableState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.common.converter.DataConverter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the status of a run: the workflow's {@code progress} query plus the live rows of chunks
 * still running, which only their activities' heartbeats ({@link TaskHeartbeat} in {@code
 * DescribeWorkflowExecution.pendingActivities}) know; the workflow learns a chunk's rows when it
 * ends. Closed runs are read from their close event, so no worker is needed to show how a run
 * ended.
 */
public final class RunStatusReader {

  /** Activity type of table tasks ({@code TaskActivities.run}). */
  static final String TASK_ACTIVITY_TYPE = "RunTableTask";

  private static final String PROGRESS_QUERY = "progress";

  /** A closed run's per-table detail comes from a query that needs a worker: don't wait long. */
  private static final Duration CLOSED_QUERY_TIMEOUT = Duration.ofSeconds(2);

  private final TemporalClients clients;
  private final DataConverter converter;
  private final Clock clock;

  public RunStatusReader(TemporalClients clients) {
    this(clients, Clock.systemUTC());
  }

  RunStatusReader(TemporalClients clients, Clock clock) {
    this.clients = clients;
    this.converter = clients.client().getOptions().getDataConverter();
    this.clock = clock;
  }

  /** Who a run is and whether it still runs, from one describe call. */
  public record RunHandle(
      String runId, String pipelineId, String workflowStatus, boolean running) {}

  /**
   * Describes a run without querying it.
   *
   * @throws UnknownRunException if there is no such run
   * @throws TemporalUnavailableException if Temporal does not answer
   */
  public RunHandle handle(String runId) {
    WorkflowExecutionInfo info = describe(runId).getWorkflowExecutionInfo();
    return new RunHandle(
        runId,
        memoPipelineId(info),
        statusName(info.getStatus()),
        info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  /**
   * The status of a run.
   *
   * @throws UnknownRunException if there is no such run
   * @throws TemporalUnavailableException if Temporal does not answer
   */
  public RunStatus read(String runId) {
    DescribeWorkflowExecutionResponse described = describe(runId);
    WorkflowExecutionInfo info = described.getWorkflowExecutionInfo();
    WorkflowExecution execution = info.getExecution();
    WorkflowExecutionStatus status = info.getStatus();
    Long startedAt = info.hasStartTime() ? millis(info.getStartTime()) : null;
    Long elapsed =
        startedAt == null
            ? null
            : (info.hasCloseTime() ? millis(info.getCloseTime()) : clock.millis()) - startedAt;
    String pipelineId = memoPipelineId(info);

    switch (status) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING -> {
        Optional<RunProgress> progress = query(execution, clients.rpcTimeout());
        if (progress.isEmpty()) {
          return new RunStatus(
              runId,
              pipelineId,
              statusName(status),
              null,
              Outcome.RUNNING,
              List.of(),
              0,
              0,
              startedAt,
              elapsed,
              "progress unavailable: no worker answered the progress query",
              null);
        }
        // Describe again *after* the query: a chunk still pending now was pending at query time,
        // so its heartbeat rows are not in the query's totals yet (no double counting).
        List<PendingActivityInfo> pending = describe(runId).getPendingActivitiesList();
        return fromProgress(
            runId,
            pipelineId,
            status,
            Outcome.RUNNING,
            progress.get(),
            withLiveRows(progress.get().tables(), pending),
            startedAt,
            elapsed,
            null);
      }
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> {
        HistoryEvent close = closeEvent(execution);
        Payloads result = close.getWorkflowExecutionCompletedEventAttributes().getResult();
        RunSummary summary =
            converter.fromPayloads(0, Optional.of(result), RunSummary.class, RunSummary.class);
        boolean cancelled = summary.state() == RunState.CANCELLED;
        List<TableProgress> tables = summary.tables() == null ? List.of() : summary.tables();
        return new RunStatus(
            runId,
            firstNonNull(summary.pipelineId(), pipelineId),
            statusName(status),
            summary.state(),
            cancelled ? Outcome.CANCELLED : Outcome.SUCCEEDED,
            tables,
            rows(tables),
            estimated(tables),
            startedAt,
            elapsed,
            cancelled ? "cancelled: " + summary.reason() : null,
            emptyToNull(summary.warnings()));
      }
      default -> {
        String error = closeError(status, closeEvent(execution));
        Outcome outcome =
            status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED
                ? Outcome.CANCELLED
                : Outcome.FAILED;
        RunState state = outcome == Outcome.CANCELLED ? RunState.CANCELLED : RunState.FAILED;
        Optional<RunProgress> progress = query(execution, CLOSED_QUERY_TIMEOUT);
        if (progress.isPresent()) {
          return fromProgress(
              runId,
              pipelineId,
              status,
              outcome,
              progress.get(),
              progress.get().tables(),
              startedAt,
              elapsed,
              error);
        }
        return new RunStatus(
            runId,
            pipelineId,
            statusName(status),
            state,
            outcome,
            List.of(),
            0,
            0,
            startedAt,
            elapsed,
            error,
            null);
      }
    }
  }

  private RunStatus fromProgress(
      String runId,
      String pipelineId,
      WorkflowExecutionStatus status,
      Outcome outcome,
      RunProgress progress,
      List<TableProgress> tables,
      Long startedAt,
      Long elapsed,
      String closeError) {
    List<TableProgress> list = tables == null ? List.of() : tables;
    RunState state = progress.state();
    if (outcome == Outcome.FAILED) {
      state = RunState.FAILED;
    } else if (outcome == Outcome.CANCELLED) {
      state = RunState.CANCELLED;
    }
    return new RunStatus(
        runId,
        firstNonNull(progress.pipelineId(), pipelineId),
        statusName(status),
        state,
        outcome,
        list,
        rows(list),
        estimated(list),
        startedAt,
        elapsed,
        firstNonNull(closeError, progress.error()),
        emptyToNull(progress.warnings()));
  }

  /** Adds the heartbeat rows of running chunks to their tables. */
  List<TableProgress> withLiveRows(List<TableProgress> tables, List<PendingActivityInfo> pending) {
    if (tables == null || tables.isEmpty()) {
      return List.of();
    }
    Map<String, long[]> live = new LinkedHashMap<>();
    for (PendingActivityInfo activity : pending) {
      if (!TASK_ACTIVITY_TYPE.equals(activity.getActivityType().getName())
          || !activity.hasHeartbeatDetails()
          || activity.getHeartbeatDetails().getPayloadsCount() == 0) {
        continue;
      }
      TaskHeartbeat beat;
      try {
        beat =
            converter.fromPayloads(
                0,
                Optional.of(activity.getHeartbeatDetails()),
                TaskHeartbeat.class,
                TaskHeartbeat.class);
      } catch (RuntimeException e) {
        continue; // details of another shape (an older worker): show the totals only
      }
      if (beat == null || beat.taskId() == null) {
        continue;
      }
      int hash = beat.taskId().lastIndexOf('#');
      String table = hash < 0 ? beat.taskId() : beat.taskId().substring(0, hash);
      long[] sums = live.computeIfAbsent(table, t -> new long[2]);
      sums[0] += Math.max(0, beat.rows());
      sums[1] += Math.max(0, beat.bytes());
    }
    List<TableProgress> result = new ArrayList<>(tables.size());
    for (TableProgress t : tables) {
      long[] sums = live.get(t.table());
      if (sums == null || t.state() != TableState.RUNNING) {
        result.add(t);
      } else {
        result.add(
            new TableProgress(
                t.table(),
                t.state(),
                t.rowsDone() + sums[0],
                t.rowsEstimated(),
                t.bytes() + sums[1],
                t.chunksDone(),
                t.chunksTotal(),
                t.error()));
      }
    }
    return result;
  }

  private DescribeWorkflowExecutionResponse describe(String runId) {
    try {
      return clients
          .blocking(clients.rpcTimeout())
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(clients.namespace())
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(runId))
                  .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND
          || e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        throw new UnknownRunException(runId);
      }
      throw new TemporalUnavailableException(clients.address(), TemporalClients.reason(e), e);
    }
  }

  private Optional<RunProgress> query(WorkflowExecution execution, Duration timeout) {
    try {
      QueryWorkflowResponse response =
          clients
              .blocking(timeout)
              .queryWorkflow(
                  QueryWorkflowRequest.newBuilder()
                      .setNamespace(clients.namespace())
                      .setExecution(execution)
                      .setQuery(WorkflowQuery.newBuilder().setQueryType(PROGRESS_QUERY))
                      .build());
      if (response.hasQueryRejected() || !response.hasQueryResult()) {
        return Optional.empty();
      }
      return Optional.ofNullable(
          converter.fromPayloads(
              0, Optional.of(response.getQueryResult()), RunProgress.class, RunProgress.class));
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNAVAILABLE) {
        throw new TemporalUnavailableException(clients.address(), TemporalClients.reason(e), e);
      }
      return Optional.empty(); // no worker in time, or the query failed: show what describe knows
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private HistoryEvent closeEvent(WorkflowExecution execution) {
    try {
      GetWorkflowExecutionHistoryResponse history =
          clients
              .blocking(clients.rpcTimeout())
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(clients.namespace())
                      .setExecution(execution)
                      .setHistoryEventFilterType(
                          HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
                      .build());
      int n = history.getHistory().getEventsCount();
      if (n == 0) {
        throw new IllegalStateException("run " + execution.getWorkflowId() + " has no close event");
      }
      return history.getHistory().getEvents(n - 1);
    } catch (StatusRuntimeException e) {
      throw new TemporalUnavailableException(clients.address(), TemporalClients.reason(e), e);
    }
  }

  private static String closeError(WorkflowExecutionStatus status, HistoryEvent close) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_FAILED ->
          failureMessage(close.getWorkflowExecutionFailedEventAttributes().getFailure());
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> "cancelled (Temporal cancellation)";
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> {
        String reason = close.getWorkflowExecutionTerminatedEventAttributes().getReason();
        yield "terminated" + (reason.isBlank() ? "" : ": " + reason);
      }
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> "timed out";
      default -> statusName(status).toLowerCase();
    };
  }

  /** The top message, or the first non-empty one down the cause chain. */
  static String failureMessage(Failure failure) {
    for (Failure f = failure; f != null; f = f.hasCause() ? f.getCause() : null) {
      if (!f.getMessage().isBlank()) {
        return f.getMessage();
      }
    }
    return "failed";
  }

  private String memoPipelineId(WorkflowExecutionInfo info) {
    Payload payload =
        info.hasMemo()
            ? info.getMemo().getFieldsMap().get(PipelineRunStarter.MEMO_PIPELINE_ID)
            : null;
    if (payload == null) {
      return null;
    }
    try {
      return converter.fromPayload(payload, String.class, String.class);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** {@code WORKFLOW_EXECUTION_STATUS_RUNNING} → {@code RUNNING}. */
  static String statusName(WorkflowExecutionStatus status) {
    return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  private static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  private static long rows(List<TableProgress> tables) {
    return tables.stream().mapToLong(TableProgress::rowsDone).sum();
  }

  private static long estimated(List<TableProgress> tables) {
    return tables.stream().mapToLong(TableProgress::rowsEstimated).sum();
  }

  private static <T> T firstNonNull(T a, T b) {
    return a != null ? a : b;
  }

  private static List<String> emptyToNull(List<String> list) {
    return list == null || list.isEmpty() ? null : list;
  }
}
