package dev.veil.activities.target;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.SafeErrors;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.TargetActivities;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SwapResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Activity face of {@link TargetDatabase}: heartbeats, failure types, safe messages. */
public class TargetActivitiesImpl implements TargetActivities {

  private static final Logger log = LoggerFactory.getLogger(TargetActivitiesImpl.class);
  private final TargetDatabase target;

  public TargetActivitiesImpl(ConnectionRegistry connections) {
    this.target = new TargetDatabase(connections);
  }

  @Override
  public void prepare(RunPlan plan) {
    try {
      target.prepare(plan);
      log.info("staging prepared pipeline={} run={} schema={} tables={}", plan.pipelineId(),
          plan.runId(), plan.stagingSchema(), plan.tables().size());
    } catch (SQLException e) {
      throw failure(plan, "cannot prepare staging", e, FailureTypes.FINALIZE_FAILED);
    }
  }

  @Override
  public void build(RunPlan plan) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    try {
      target.build(plan, () -> context.heartbeat(null));
      log.info("keys and indexes built pipeline={} run={}", plan.pipelineId(), plan.runId());
    } catch (SQLException e) {
      throw failure(plan, "cannot build", e, FailureTypes.FINALIZE_FAILED);
    }
  }

  @Override
  public SwapResult swap(RunPlan plan) {
    try {
      SwapResult result = target.swap(plan);
      log.info("twin swapped pipeline={} run={} tables={} alreadyDone={}", plan.pipelineId(),
          plan.runId(), result.tables(), result.alreadyDone());
      return result;
    } catch (SQLException e) {
      throw failure(plan, "cannot swap the new twin into " + plan.targetSchema(), e,
          FailureTypes.FINALIZE_FAILED);
    }
  }

  @Override
  public void discard(RunPlan plan) {
    try {
      target.discard(plan);
      log.info("staging dropped pipeline={} run={} schema={}", plan.pipelineId(), plan.runId(),
          plan.stagingSchema());
    } catch (SQLException e) {
      throw failure(plan, "cannot drop staging", e, "TargetUnavailable");
    }
  }

  private static ApplicationFailure failure(
      RunPlan plan, String what, SQLException e, String finalType) {
    String object = e instanceof TargetDatabase.BuildException b ? " " + b.object() : "";
    String message = what + object + ": " + SafeErrors.describe(e);
    log.warn("target step failed pipeline={} run={}: {}", plan.pipelineId(), plan.runId(), message);
    return SafeErrors.retryable(e)
        ? ApplicationFailure.newFailure(message, "TargetUnavailable")
        : ApplicationFailure.newNonRetryableFailure(message, finalType);
  }
}
