package dev.veil.workflows.scan;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Scans a connection for personal data, for the dashboard: {@code temporal workflow start --type
 * Scan --task-queue veil --input '{"connection":"prod-replica","schemas":["public"]}'}.
 */
@WorkflowInterface
public interface ScanWorkflow {
  /**
   * Runs {@link dev.veil.workflows.activities.ScanActivities#scan} and returns its report.
   *
   * @throws io.temporal.failure.ActivityFailure when the scan fails (InvalidSpec is not retried)
   */
  @WorkflowMethod(name = "Scan")
  ScanReport scan(ScanRequest request);
}
