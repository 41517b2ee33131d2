package dev.veil.app.core;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.config.PipelineSource;
import dev.veil.workflows.Veil;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.spec.PipelineSpec;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import dev.veil.workflows.pipeline.PipelineInput;
import dev.veil.workflows.pipeline.PipelineWorkflow;
import dev.veil.workflows.pipeline.RefreshRequest;
import dev.veil.workflows.pipeline.RunNowRequest;
import io.grpc.StatusRuntimeException;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts pipeline runs. {@link #runNow} is the one way {@code veil start}, the REST API and the
 * dashboard start a run: it checks the spec locally, then sends the {@code runNow} update to the
 * pipeline's {@code PipelineWorkflow} (starting that workflow first if it has none yet), which
 * keeps its one-run-at-a-time rule and answers the run id. {@link #start} starts a standalone
 * {@code PipelineRun} beside it, as the {@code temporal} CLI can (tests and tooling).
 */
public final class PipelineRunStarter {

  /** Memo key holding the pipeline id, so status readers know it before the first query. */
  public static final String MEMO_PIPELINE_ID = "pipelineId";

  private static final Logger log = LoggerFactory.getLogger(PipelineRunStarter.class);
  private static final DateTimeFormatter RUN_SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private static final int MAX_SAME_SECOND_RUNS = 50;
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  private final WorkflowClient client;
  private final PipelineSource pipelines;
  private final Clock clock;

  public PipelineRunStarter(WorkflowClient client, PipelineSource pipelines) {
    this(client, pipelines, Clock.system(ZoneId.systemDefault()));
  }

  public PipelineRunStarter(WorkflowClient client, PipelineSource pipelines, Clock clock) {
    this.client = client;
    this.pipelines = pipelines;
    this.clock = clock;
  }

  /**
   * Loads and checks a pipeline without starting anything.
   *
   * @throws UnknownPipelineException if the source has no such pipeline
   * @throws InvalidSpecException with every problem if the spec is invalid
   */
  public PipelineSpec validate(String pipelineId) {
    return validate(pipelines, pipelineId);
  }

  /**
   * Loads and checks a pipeline from a source, without Temporal.
   *
   * @throws UnknownPipelineException if the source has no such pipeline
   * @throws InvalidSpecException with every problem if the spec is invalid
   */
  public static PipelineSpec validate(PipelineSource pipelines, String pipelineId) {
    return pipelines
        .find(pipelineId)
        .orElseThrow(
            () -> new UnknownPipelineException(pipelineId, pipelines.describe(), knownIds(pipelines)));
  }

  private static List<String> knownIds(PipelineSource pipelines) {
    try {
      return pipelines.ids();
    } catch (RuntimeException e) {
      return List.of(); // the suggestion is a nicety; the source's own error comes elsewhere
    }
  }

  /**
   * Validates the pipeline and starts a run through its pipeline workflow's {@code runNow} update;
   * starts that workflow first when the pipeline has none yet (no server has reconciled it).
   *
   * @param reason why, for the log (the command or API that asked)
   * @return the run id
   * @throws UnknownPipelineException if the source has no such pipeline
   * @throws InvalidSpecException if the spec is invalid (nothing is started)
   * @throws RunConflictException while a run of the pipeline is in flight
   * @throws TemporalUnavailableException when Temporal cannot be reached
   */
  public String runNow(String pipelineId, String reason) {
    PipelineSpec spec = validate(pipelineId);
    PipelineWorkflow pipeline =
        client.newWorkflowStub(PipelineWorkflow.class, Veil.pipelineWorkflowId(pipelineId));
    try {
      String runId = update(pipeline, reason);
      if (runId == null) {
        startPipelineWorkflow(spec);
        runId = update(pipeline, reason);
      }
      if (runId == null) {
        throw new RunConflictException("pipeline " + pipelineId + " has ended");
      }
      log.info("run requested pipeline={} run={} by={}", pipelineId, runId, reason);
      return runId;
    } catch (WorkflowServiceException e) {
      throw new TemporalUnavailableException("the frontend", innermostMessage(e), e);
    }
  }

  /** The run id, or null when the pipeline has no running workflow. */
  private static String update(PipelineWorkflow pipeline, String reason) {
    try {
      return pipeline.startRun(new RunNowRequest(reason)).runId();
    } catch (WorkflowNotFoundException e) {
      return null;
    } catch (WorkflowUpdateException e) {
      throw new RunConflictException(innermostMessage(e));
    } catch (WorkflowServiceException e) {
      if (e.getCause() instanceof StatusRuntimeException s
          && s.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return null; // completed: the pipeline was removed, or the workflow was terminated
      }
      throw e;
    }
  }

  /** As the reconciler starts it: signal-with-start, so a workflow started meanwhile wins. */
  private void startPipelineWorkflow(PipelineSpec spec) {
    PipelineWorkflow stub =
        client.newWorkflowStub(
            PipelineWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Veil.pipelineWorkflowId(spec.id()))
                .setTaskQueue(Veil.TASK_QUEUE)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(stub::run, PipelineInput.of(spec));
    request.add(stub::refresh, new RefreshRequest(spec));
    client.signalWithStart(request);
  }

  private static String innermostMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof ApplicationFailure app ? app.getOriginalMessage() : t.getMessage();
  }

  /**
   * Validates the pipeline and starts a standalone run of it, outside its pipeline workflow.
   *
   * @param runId the workflow id to use, or {@code null} for {@code veil-run-<id>-<timestamp>}
   *     (with {@code -2}, {@code -3}, … when runs of the pipeline start in the same second)
   * @return the run id
   * @throws UnknownPipelineException if the source has no such pipeline
   * @throws InvalidSpecException if the spec is invalid (nothing is started)
   * @throws RunConflictException if a run with the chosen id exists (or existed) already
   */
  public String start(String pipelineId, String runId) {
    validate(pipelineId);
    boolean chosen = runId != null && !runId.isBlank();
    String base = chosen ? runId : newRunId(pipelineId);
    if (!RUN_ID.matcher(base).matches()) {
      throw new IllegalArgumentException(
          "run id must be 1-200 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    // Two runs started in the same second get -2, -3, … rather than a conflict; a run id the
    // caller chose must be new.
    for (int n = 1; ; n++) {
      String id = n == 1 ? base : base + "-" + n;
      if (tryStart(pipelineId, id)) {
        log.info("run requested pipeline={} run={}", pipelineId, id);
        return id;
      }
      if (chosen || n == MAX_SAME_SECOND_RUNS) {
        throw new RunConflictException("run " + id + " exists already");
      }
    }
  }

  private boolean tryStart(String pipelineId, String id) {
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(Veil.TASK_QUEUE)
            // a run id names one run, ever: status and cancel must not reach another one
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .setMemo(Map.of(MEMO_PIPELINE_ID, pipelineId))
            .build();
    PipelineRunWorkflow run = client.newWorkflowStub(PipelineRunWorkflow.class, options);
    try {
      WorkflowClient.start(run::run, PipelineRunInput.of(pipelineId));
      return true;
    } catch (WorkflowExecutionAlreadyStarted e) {
      return false;
    }
  }

  /** {@code veil-run-<pipelineId>-<yyyyMMdd-HHmmss>} in this starter's clock and zone. */
  public String newRunId(String pipelineId) {
    return Veil.runWorkflowId(
        pipelineId, RUN_SUFFIX.format(clock.instant().atZone(clock.getZone())));
  }
}
