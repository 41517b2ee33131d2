package dev.veil.workflows.activities;

import dev.veil.workflows.report.LogTailRequest;
import dev.veil.workflows.report.PrivacyReportPost;
import dev.veil.workflows.report.RunEvent;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Reports runs to the cloud API. Best effort: workflows call these with {@link
 * VeilActivityOptions#REPORTING} (few retries), off the critical path, and ignore their failure,
 * so reporting never fails or slows a run. Offline agents register an implementation that only
 * logs.
 */
@ActivityInterface
public interface ReportingActivities {
  /**
   * Posts one run event. Idempotent enough: a retried post may deliver an event twice; the
   * event's {@code seq} lets the API drop the duplicate.
   */
  @ActivityMethod
  void report(RunEvent event);

  /**
   * Uploads the recent log lines of a failed task, with credentials and quoted values scrubbed.
   */
  @ActivityMethod
  void uploadLogTail(LogTailRequest request);

  /**
   * Posts a run's signed privacy report, its bytes exactly as signed. Idempotent: the API keeps
   * one report per run, a retried post replaces it with the same document.
   */
  @ActivityMethod
  void postPrivacyReport(PrivacyReportPost post);
}
