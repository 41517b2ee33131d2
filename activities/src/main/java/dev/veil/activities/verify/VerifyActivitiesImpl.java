package dev.veil.activities.verify;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.db.Heartbeater;
import dev.veil.activities.db.SafeErrors;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.twin.TwinDatabase;
import dev.veil.activities.snapshot.SnapshotLostException;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.VerifyActivities;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.verify.LeakCheckRequest;
import dev.veil.workflows.verify.LeakCheckResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Activity face of {@link LeakCheck}: heartbeats, failure types, scrubbed messages. */
public class VerifyActivitiesImpl implements VerifyActivities {

  private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(VerifyActivitiesImpl.class);
  private final LeakCheck check;

  /**
   * @param maskingKey the agent's masking key: its fingerprint goes in the report, and the report
   *     key is derived from it unless {@code reportKey} is given; null leaves reports unsigned
   * @param reportKey the configured report key, or null
   */
  public VerifyActivitiesImpl(ConnectionRegistry connections, TwinDatabase twin,
      MaskingKey maskingKey, byte[] reportKey) {
    // the fingerprints never leave one attempt's memory: a key of this process serves as well as
    // the masking key, and ties nothing to it
    this.check = new LeakCheck(connections, twin, MaskingKey.random(), maskingKey, reportKey);
  }

  @Override
  public LeakCheckResult checkLeaks(LeakCheckRequest request) {
    RunPlan plan = request.plan();
    ActivityExecutionContext context = Activity.getExecutionContext();
    Heartbeat heartbeat = () -> context.heartbeat(null);
    // beats from a background thread: a confirmation query or a slow fetch must not look like a
    // dead worker; the scan loop stops at its next row once a beat failed (cancelled, abandoned)
    AtomicBoolean stopped = new AtomicBoolean();
    try (Heartbeater beating =
        Heartbeater.start(heartbeat, HEARTBEAT_EVERY, () -> stopped.set(true))) {
      LeakCheckResult result = check.check(request, () -> {
        if (stopped.get()) {
          beating.check();
        }
      });
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
