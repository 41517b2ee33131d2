package dev.veil.app.core;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.config.PipelineSource;
import dev.veil.workflows.Veil;
import dev.veil.workflows.pipeline.PipelineInput;
import dev.veil.workflows.pipeline.PipelineState;
import dev.veil.workflows.pipeline.PipelineStatus;
import dev.veil.workflows.pipeline.PipelineWorkflow;
import dev.veil.workflows.pipeline.RefreshRequest;
import dev.veil.workflows.pipeline.RemoveRequest;
import dev.veil.workflows.spec.PipelineSpec;
import io.dropwizard.lifecycle.Managed;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowQueryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Temporal match the pipeline source: one {@code PipelineWorkflow} per config. A new config
 * is started with signal-with-start ({@code refresh} + start, id {@code veil-pipeline-<id>}), a
 * changed version is sent as {@code refresh}, a config that disappeared gets {@code remove} (its
 * workflow ends after its current run). A config that fails validation is reported and skipped;
 * the others go on. If the source cannot be listed at all (API down), nothing is changed.
 *
 * <p>It runs in the agent process on an interval and on demand ({@link #requestNow}) rather than as
 * a workflow: each pass is idempotent (signal-with-start, refresh of the same version), so a lost
 * pass costs nothing, and the durable state lives in the pipeline workflows themselves. What it
 * keeps in memory is the version applied per pipeline, so an unchanged config costs one cheap
 * fetch (a 304 from the cloud API) and one describe call. A pipeline whose workflow is missing or
 * closed (terminated, or lost with a restarted dev server) while its config still exists is
 * started again, so its schedule never stops silently. After a restart it asks each workflow its
 * version once. A config removed while no agent was running is not seen as removed (the Temporal
 * dev server has no visibility list to find its workflow); remove it again, or end the workflow
 * with {@code temporal workflow signal --name remove}.
 */
public final class PipelineReconciler implements Managed {

  private static final Logger log = LoggerFactory.getLogger(PipelineReconciler.class);

  /**
   * What one pass did.
   *
   * @param started workflows started (new configs)
   * @param refreshed workflows sent a new version
   * @param removed workflows told their config is gone
   * @param invalid configs that failed validation, with their problems
   * @param failed configs that could not be read or applied this time (retried next pass)
   */
  public record Report(
      List<String> started,
      List<String> refreshed,
      List<String> removed,
      Map<String, List<String>> invalid,
      List<String> failed) {}

  private enum Applied {
    STARTED,
    REFRESHED,
    UNCHANGED
  }

  private final WorkflowClient client;
  private final PipelineSource source;
  private final ConfigProblemReporter problems;
  private final Duration interval;
  /** pipeline id → the version its workflow holds, as far as this process knows. */
  private final Map<String, String> applied = new ConcurrentHashMap<>();
  private final Map<String, Integer> invalidSeen = new ConcurrentHashMap<>();
  private ScheduledExecutorService timer;

  private final boolean reportRuns;

  public PipelineReconciler(
      WorkflowClient client,
      PipelineSource source,
      ConfigProblemReporter problems,
      Duration interval) {
    this(client, source, problems, interval, false);
  }

  /**
   * @param reportRuns whether the pipelines' runs report to the cloud API (a cloud-connected
   *     agent)
   */
  public PipelineReconciler(
      WorkflowClient client,
      PipelineSource source,
      ConfigProblemReporter problems,
      Duration interval,
      boolean reportRuns) {
    this.client = client;
    this.source = source;
    this.problems = problems;
    this.interval = interval;
    this.reportRuns = reportRuns;
  }

  /** Pipelines whose workflow this reconciler started or refreshed and that still exist. */
  public int pipelineCount() {
    return applied.size();
  }

  /** One pass; safe to call from any thread (passes never overlap). */
  public synchronized Report reconcile() {
    List<String> started = new ArrayList<>();
    List<String> refreshed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Map<String, List<String>> invalid = new java.util.TreeMap<>();
    List<String> failed = new ArrayList<>();

    List<String> ids;
    try {
      ids = source.ids();
    } catch (RuntimeException e) {
      log.warn("cannot list pipelines from {}: {}", source.describe(), e.getMessage());
      return new Report(started, refreshed, removed, invalid, List.of("*"));
    }
    Set<String> present = new HashSet<>(ids);
    for (String id : ids) {
      try {
        Optional<PipelineSpec> found = source.find(id);
        if (found.isEmpty()) {
          present.remove(id); // removed between list and fetch
          continue;
        }
        invalidSeen.remove(id);
        PipelineSpec spec = found.get();
        String known = applied.get(id);
        boolean open = isOpen(id);
        if (open && known != null && Objects.equals(known, spec.version())) {
          continue;
        }
        switch (apply(spec, open)) {
          case STARTED -> started.add(id);
          case REFRESHED -> refreshed.add(id);
          case UNCHANGED -> { }
        }
        applied.put(id, String.valueOf(spec.version()));
      } catch (InvalidSpecException e) {
        invalid.put(id, e.problems());
        // report once per broken version, not every pass
        Integer before = invalidSeen.put(id, e.problems().hashCode());
        if (before == null || before != e.problems().hashCode()) {
          log.warn("pipeline {} config is invalid: {}", id, e.getMessage());
          problems.configInvalid(id, e.problems());
        }
      } catch (RuntimeException e) {
        failed.add(id);
        log.warn("pipeline {} not reconciled this pass: {}", id, e.getMessage());
      }
    }
    for (String id : new ArrayList<>(applied.keySet())) {
      if (!present.contains(id)) {
        try {
          client
              .newWorkflowStub(PipelineWorkflow.class, Veil.pipelineWorkflowId(id))
              .remove(new RemoveRequest("config removed from " + source.describe()));
          log.info("pipeline {} removed: its workflow ends after its current run", id);
        } catch (WorkflowNotFoundException gone) {
          // already ended
        } catch (RuntimeException e) {
          failed.add(id);
          log.warn("pipeline {} removal not signalled this pass: {}", id, e.getMessage());
          continue;
        }
        applied.remove(id);
        removed.add(id);
      }
    }
    if (!started.isEmpty() || !refreshed.isEmpty() || !removed.isEmpty()) {
      log.info(
          "reconciled pipelines started={} refreshed={} removed={}", started, refreshed, removed);
    }
    return new Report(started, refreshed, removed, invalid, failed);
  }

  /**
   * Brings one pipeline's workflow to {@code spec}: signal-with-start when it does not run, a
   * {@code refresh} when it holds another version, nothing otherwise.
   *
   * @return what it did
   */
  private Applied apply(PipelineSpec spec, boolean open) {
    String workflowId = Veil.pipelineWorkflowId(spec.id());
    PipelineWorkflow running = client.newWorkflowStub(PipelineWorkflow.class, workflowId);
    PipelineStatus status = null;
    if (open) {
      try {
        status = running.status();
      } catch (WorkflowNotFoundException | WorkflowQueryException e) {
        // closed between describe and query
      }
    }
    boolean alive = status != null && status.state() != PipelineState.ENDED;
    if (alive) {
      if (!Objects.equals(status.version(), spec.version())) {
        running.refresh(new RefreshRequest(spec));
        return Applied.REFRESHED;
      }
      return Applied.UNCHANGED;
    }
    PipelineWorkflow stub =
        client.newWorkflowStub(
            PipelineWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(Veil.TASK_QUEUE)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(
        stub::run, new PipelineInput(spec.id(), spec, null, null, reportRuns ? Boolean.TRUE : null));
    request.add(stub::refresh, new RefreshRequest(spec));
    client.signalWithStart(request);
    return Applied.STARTED;
  }

  /**
   * Whether the pipeline's workflow is running. A closed one (terminated, failed, timed out, or
   * lost with a restarted dev server) is not: queries would still answer from its history, so the
   * execution status is what tells.
   */
  private boolean isOpen(String id) {
    try {
      return client
              .newUntypedWorkflowStub(Veil.pipelineWorkflowId(id))
              .describe()
              .getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException e) {
      return false;
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /** Asks for a pass as soon as possible (after the one running, if any). */
  public void requestNow() {
    ScheduledExecutorService t = timer;
    if (t != null) {
      t.execute(this::safeReconcile);
    }
  }

  private void safeReconcile() {
    try {
      reconcile();
    } catch (RuntimeException e) {
      log.warn("reconcile pass failed: {}", e.getMessage());
    }
  }

  @Override
  public void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "veil-reconciler");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        this::safeReconcile, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    log.info("reconciling pipelines from {} every {}s", source.describe(), interval.toSeconds());
  }

  @Override
  public void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
