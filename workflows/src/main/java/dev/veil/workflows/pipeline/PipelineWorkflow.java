package dev.veil.workflows.pipeline;

import dev.veil.workflows.run.CancelRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The long-lived workflow of one pipeline (id {@code veil-pipeline-<pipelineId>}, type {@code
 * Pipeline}): it holds the config version it was given, fires runs on the spec's 5-field cron
 * schedule (UTC) or on {@link #runNow}, and starts one {@code PipelineRun} child per run (id {@code
 * veil-run-<pipelineId>-<n>-<8 random hex>}, unique for ever). At most one run is in flight: a fire that comes while a run is still
 * going is skipped and recorded. It lives as long as its config exists; {@link #remove} ends it
 * after its current run. It continues as new (carrying its state) before its history grows large.
 */
@WorkflowInterface
public interface PipelineWorkflow {

  /**
   * Serves the pipeline until it is removed.
   *
   * @param input pipeline id and the spec (with its version); state carried over on continue-as-new
   * @return the final status, after {@link #remove} and the end of the run then in flight
   */
  @WorkflowMethod(name = "Pipeline")
  PipelineStatus run(PipelineInput input);

  /**
   * Starts a run now, even when paused; skipped and recorded if a run is still going. Callers that
   * need the run id use the {@link #startRun} update instead.
   */
  @SignalMethod
  void runNow(RunNowRequest request);

  /**
   * The {@code runNow} update: starts a run now, even when paused, and returns its id once the
   * child run is scheduled. Rejected (nothing is recorded in the history) while a run is in flight
   * or the pipeline is being removed; fails with {@code RUN_IN_FLIGHT} if a scheduled fire took
   * the slot first.
   */
  @UpdateMethod(name = "runNow")
  RunNowResult startRun(RunNowRequest request);

  /** Refuses {@link #startRun} while a run is in flight or pending, or after {@link #remove}. */
  @UpdateValidatorMethod(updateName = "runNow")
  void validateStartRun(RunNowRequest request);

  /** Cancels the run in flight (the run drops its staging and keeps the old twin); no-op if none. */
  @SignalMethod
  void cancelRun(CancelRequest request);

  /** Stops scheduled fires until {@link #resume}; the run in flight goes on. */
  @SignalMethod
  void pause(PauseRequest request);

  /** Schedules fires again from now on; fires missed while paused are not made up. */
  @SignalMethod
  void resume(ResumeRequest request);

  /** Replaces the spec (and its version and schedule); the next run uses it. */
  @SignalMethod
  void refresh(RefreshRequest request);

  /** The config was removed: no more runs; the workflow ends when the run in flight has ended. */
  @SignalMethod
  void remove(RemoveRequest request);

  /**
   * State, the run in flight (query that run's {@code progress} for its tables), the last runs and
   * the next fire time.
   */
  @QueryMethod
  PipelineStatus status();
}
