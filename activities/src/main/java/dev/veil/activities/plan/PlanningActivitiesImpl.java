package dev.veil.activities.plan;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.SafeErrors;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.PlanningActivities;
import dev.veil.workflows.plan.PlanRequest;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.activities.db.Heartbeater;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the {@link Planner}; maps its errors to Temporal failure types. */
public class PlanningActivitiesImpl implements PlanningActivities {

  private static final Logger log = LoggerFactory.getLogger(PlanningActivitiesImpl.class);
  private final Planner planner;

  public PlanningActivitiesImpl(ConnectionRegistry connections) {
    this(connections, null);
  }

  /** @param pgBinDir where pg_dump and pg_restore are, or null for VEIL_PG_BIN and PATH */
  public PlanningActivitiesImpl(ConnectionRegistry connections, String pgBinDir) {
    this.planner = new Planner(connections, pgBinDir);
  }

  /** @param storages the delivery storages configured on the agent */
  public PlanningActivitiesImpl(ConnectionRegistry connections, String pgBinDir,
      dev.veil.activities.delivery.DeliveryStorages storages) {
    this.planner = new Planner(connections, pgBinDir, storages::has);
  }

  @Override
  public RunPlan plan(PlanRequest request) {
    String pipeline = request.spec().id();
    ActivityExecutionContext context = Activity.getExecutionContext();
    // a big catalog takes a while: heartbeat, so a killed worker costs seconds, not the timeout
    try (Heartbeater beating =
        Heartbeater.interrupting(() -> context.heartbeat(null), Duration.ofSeconds(5))) {
      RunPlan plan = planner.plan(request.spec(), request.runId(), request.runUid());
      log.info("planned pipeline={} run={} tables={} warnings={}", pipeline, request.runId(),
          plan.tables().size(), plan.warnings().size());
      return plan;
    } catch (InvalidSpecException e) {
      log.warn("invalid pipeline={} run={}: {}", pipeline, request.runId(), e.getMessage());
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.INVALID_SPEC);
    } catch (SQLException e) {
      String message = "cannot read the source catalog: " + SafeErrors.describe(e);
      log.warn("plan failed pipeline={} run={}: {}", pipeline, request.runId(), message);
      throw ApplicationFailure.newFailure(message, "SourceUnavailable");
    }
  }
}
