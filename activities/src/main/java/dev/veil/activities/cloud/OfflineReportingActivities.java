package dev.veil.activities.cloud;

import dev.veil.workflows.activities.ReportingActivities;
import dev.veil.workflows.report.LogTailRequest;
import dev.veil.workflows.report.PrivacyReportPost;
import dev.veil.workflows.report.RunEvent;

/** Reporting of an offline agent (no {@code cloud.url}): nothing leaves the agent. */
public final class OfflineReportingActivities implements ReportingActivities {
  @Override
  public void report(RunEvent event) {}

  @Override
  public void uploadLogTail(LogTailRequest request) {}

  /** The report stays in the twin's {@code _veil.privacy_reports} and in the run's history. */
  @Override
  public void postPrivacyReport(PrivacyReportPost post) {}
}
