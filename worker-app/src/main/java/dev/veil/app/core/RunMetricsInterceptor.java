package dev.veil.app.core;

import dev.veil.activities.metrics.RunMetrics;
import dev.veil.workflows.Veil;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;

/**
 * Counts runs started, succeeded, failed and cancelled, and their duration, per pipeline. Runs are
 * the one thing only the run workflow sees whole (REST and CLI runs report no events), so this sits
 * around its execution, outside the workflow's code, and counts only what is not a replay (as the
 * SDK's own workflow metrics do): a run is counted once, by the worker that starts or ends it.
 */
public final class RunMetricsInterceptor extends WorkerInterceptorBase {

  private final RunMetrics metrics;

  public RunMetricsInterceptor(RunMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
    return new WorkflowInboundCallsInterceptorBase(next) {
      @Override
      public WorkflowOutput execute(WorkflowInput input) {
        String pipeline = pipelineOf(input);
        if (pipeline == null
            || !Veil.PIPELINE_RUN_WORKFLOW_TYPE.equals(Workflow.getInfo().getWorkflowType())) {
          return super.execute(input);
        }
        long startedAt = Workflow.getInfo().getRunStartedTimestampMillis();
        if (!Workflow.isReplaying()) {
          metrics.runStarted(pipeline);
        }
        // RuntimeExceptions only: an evicted workflow's thread ends with an Error, not an outcome
        try {
          WorkflowOutput output = super.execute(input);
          ended(
              pipeline,
              startedAt,
              output.getResult() instanceof RunSummary summary
                      && summary.state() == RunState.CANCELLED
                  ? RunMetrics.Outcome.CANCELLED
                  : RunMetrics.Outcome.SUCCEEDED);
          return output;
        } catch (CanceledFailure e) {
          ended(pipeline, startedAt, RunMetrics.Outcome.CANCELLED);
          throw e;
        } catch (RuntimeException e) {
          ended(pipeline, startedAt, RunMetrics.Outcome.FAILED);
          throw e;
        }
      }
    };
  }

  private void ended(String pipeline, long startedAt, RunMetrics.Outcome outcome) {
    if (!Workflow.isReplaying()) {
      metrics.runEnded(pipeline, outcome, Workflow.currentTimeMillis() - startedAt);
    }
  }

  private static String pipelineOf(WorkflowInboundCallsInterceptor.WorkflowInput input) {
    Object[] arguments = input.getArguments();
    if (arguments.length > 0 && arguments[0] instanceof PipelineRunInput run) {
      return run.pipelineId();
    }
    return null;
  }
}
