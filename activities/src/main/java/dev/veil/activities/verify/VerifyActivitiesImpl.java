package dev.veil.activities.verify;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.db.SafeErrors;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.twin.TwinDatabase;
import dev.veil.activities.twin.TwinDatabase.SnapshotLostException;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.VerifyActivities;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.verify.LeakCheckRequest;
import dev.veil.workflows.verify.LeakCheckResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Activity face of {@link LeakCheck}: heartbeats, failure types, scrubbed messages. */
public class VerifyActivitiesImpl implements VerifyActivities {

  private static final Logger log = LoggerFactory.getLogger(VerifyActivitiesImpl.class);
  private final LeakCheck check;

  /**
   * @param key keys the leak check's fingerprints, which live only in one attempt's memory
   */
  public VerifyActivitiesImpl(ConnectionRegistry connections, TwinDatabase twin, MaskingKey key) {
    this.check = new LeakCheck(connections, twin, key);
  }

  @Override
  public LeakCheckResult checkLeaks(LeakCheckRequest request) {
    RunPlan plan = request.plan();
    ActivityExecutionContext context = Activity.getExecutionContext();
    Heartbeat heartbeat = () -> context.heartbeat(null);
    try {
      LeakCheckResult result = check.check(request, heartbeat);
      log.info("leak check done pipeline={} run={} performed={} sourceColumns={} fingerprints={}"
              + " twinColumns={} values={} findings={}", plan.pipelineId(), plan.runId(),
          result.performed(), result.fingerprintedColumns(), result.fingerprints(),
          result.scannedColumns(), result.scannedValues(), result.findings().size());
      return result;
    } catch (SnapshotLostException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.SNAPSHOT_LOST);
    } catch (SQLException e) {
      String message = "leak check: " + SafeErrors.describe(e);
      log.warn("leak check failed pipeline={} run={}: {}", plan.pipelineId(), plan.runId(),
          message);
      throw SafeErrors.retryable(e)
          ? ApplicationFailure.newFailure(message, "TargetUnavailable")
          : ApplicationFailure.newNonRetryableFailure(message, FailureTypes.FINALIZE_FAILED);
    }
  }
}
