package dev.veil.activities.twin;

import static dev.veil.activities.db.Sql.ident;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.SafeErrors;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.TargetActivities;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SwapResult;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * The staging-schema steps of runs started before the database twin, for a rolling upgrade: a
 * run in flight on the old design cannot finish on this agent, so its next step fails clearly and
 * its cleanup drops the staging schema it made. The live twin is never touched.
 */
public class LegacyTargetActivitiesImpl implements TargetActivities {

  private static final String MESSAGE =
      "this run was started by an earlier Veil that loaded a staging schema; this agent builds"
          + " whole-database twins: start a new run";

  private final ConnectionRegistry connections;

  public LegacyTargetActivitiesImpl(ConnectionRegistry connections) {
    this.connections = connections;
  }

  @Override
  public void prepare(RunPlan plan) {
    throw ApplicationFailure.newNonRetryableFailure(MESSAGE, FailureTypes.FINALIZE_FAILED);
  }

  @Override
  public void build(RunPlan plan) {
    throw ApplicationFailure.newNonRetryableFailure(MESSAGE, FailureTypes.FINALIZE_FAILED);
  }

  @Override
  public SwapResult swap(RunPlan plan) {
    throw ApplicationFailure.newNonRetryableFailure(MESSAGE, FailureTypes.FINALIZE_FAILED);
  }

  @Override
  public void discard(RunPlan plan) {
    try (Connection c = connections.open(plan.targetConnection(), "veil-legacy");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + ident(stagingSchema(plan.runId())) + " CASCADE");
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure(
          "cannot drop the staging schema: " + SafeErrors.describe(e), "TargetUnavailable");
    }
  }

  /** The staging schema the earlier design derived from the run id. */
  static String stagingSchema(String runId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(runId.getBytes(StandardCharsets.UTF_8));
      return "veil_stage_" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
