package dev.veil.activities.metrics;

import dev.veil.workflows.activities.ReportingActivities;
import dev.veil.workflows.activities.VeilActivityOptions;
import dev.veil.workflows.report.LogTailRequest;
import dev.veil.workflows.report.PrivacyReportPost;
import dev.veil.workflows.report.RunEvent;
import io.temporal.activity.Activity;

/**
 * Counts the reports that the cloud API did not take: a report that fails its last attempt is
 * dropped by the run (which goes on), and counted here as {@code veil_cloud_reports_dropped_total}.
 */
public final class MeteredReportingActivities implements ReportingActivities {

  private static final int LAST_ATTEMPT =
      VeilActivityOptions.REPORTING.getRetryOptions().getMaximumAttempts();

  private final ReportingActivities delegate;
  private final RunMetrics metrics;

  public MeteredReportingActivities(ReportingActivities delegate, RunMetrics metrics) {
    this.delegate = delegate;
    this.metrics = metrics;
  }

  /** Posts one run event (see {@link ReportingActivities}). */
  @Override
  public void report(RunEvent event) {
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    try {
      delegate.report(event);
    } catch (RuntimeException e) {
      if (attempt >= LAST_ATTEMPT && event.pipelineId() != null) {
        metrics.cloudReportDropped(event.pipelineId());
      }
      throw e;
    }
  }

  /** Posts a run's privacy report (see {@link ReportingActivities}). */
  @Override
  public void postPrivacyReport(PrivacyReportPost post) {
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    try {
      delegate.postPrivacyReport(post);
    } catch (RuntimeException e) {
      if (attempt >= LAST_ATTEMPT && post.pipelineId() != null) {
        metrics.cloudReportDropped(post.pipelineId());
      }
      throw e;
    }
  }

  /** Uploads a failed task's log tail (see {@link ReportingActivities}). */
  @Override
  public void uploadLogTail(LogTailRequest request) {
    int attempt = Activity.getExecutionContext().getInfo().getAttempt();
    try {
      delegate.uploadLogTail(request);
    } catch (RuntimeException e) {
      if (attempt >= LAST_ATTEMPT && request.pipelineId() != null) {
        metrics.cloudReportDropped(request.pipelineId());
      }
      throw e;
    }
  }
}
