package dev.veil.workflows.scan;

import dev.veil.workflows.activities.ScanActivities;
import dev.veil.workflows.activities.VeilActivityOptions;
import io.temporal.workflow.Workflow;

/** One activity: the scan. Deterministic: no I/O here. */
public class ScanWorkflowImpl implements ScanWorkflow {

  private final ScanActivities scans =
      Workflow.newActivityStub(ScanActivities.class, VeilActivityOptions.SCAN);

  @Override
  public ScanReport scan(ScanRequest request) {
    return scans.scan(request);
  }
}
