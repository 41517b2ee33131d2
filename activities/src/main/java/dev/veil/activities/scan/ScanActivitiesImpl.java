package dev.veil.activities.scan;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.SafeErrors;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.ScanActivities;
import dev.veil.workflows.scan.ScanReport;
import dev.veil.workflows.scan.ScanRequest;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the {@link PiiScanner} on a configured connection; heartbeats once per table. */
public class ScanActivitiesImpl implements ScanActivities {

  private static final Logger log = LoggerFactory.getLogger(ScanActivitiesImpl.class);
  private final ConnectionRegistry connections;

  public ScanActivitiesImpl(ConnectionRegistry connections) {
    this.connections = connections;
  }

  @Override
  public ScanReport scan(ScanRequest request) {
    if (request == null || request.connection() == null
        || !connections.has(request.connection())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "connection: '" + (request == null ? null : request.connection())
              + "' is not configured on this agent (configured: "
              + String.join(", ", connections.names()) + ")", FailureTypes.INVALID_SPEC);
    }
    try (Connection c = connections.open(request.connection(), "veil-scan")) {
      ScanReport report = new PiiScanner().scan(c, request,
          () -> Activity.getExecutionContext().heartbeat(null));
      log.info("scanned connection={} tables={} columns={} findings={}", request.connection(),
          report.tables(), report.columns(), report.findings().size());
      return report;
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.INVALID_SPEC);
    } catch (SQLException e) {
      String message = "cannot scan connection " + request.connection() + ": "
          + SafeErrors.describe(e);
      log.warn("{}", message);
      throw ApplicationFailure.newFailure(message, "SourceUnavailable");
    }
  }
}
