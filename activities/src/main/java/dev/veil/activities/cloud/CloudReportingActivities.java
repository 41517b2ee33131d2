package dev.veil.activities.cloud;

import dev.veil.activities.scrub.Scrubber;
import dev.veil.workflows.activities.ReportingActivities;
import dev.veil.workflows.report.LogTailRequest;
import dev.veil.workflows.report.PrivacyReportPost;
import dev.veil.workflows.report.RunEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reports runs to the cloud API: events to {@code POST /v1/runs/{runId}/events}, a failed task's
 * scrubbed log tail to {@code POST /v1/runs/{runId}/logs}, the signed privacy report to {@code
 * POST /v1/runs/{runId}/report}. Failures propagate so Temporal retries
 * them (a few times, {@code VeilActivityOptions.REPORTING}); the workflow then drops the report.
 */
public final class CloudReportingActivities implements ReportingActivities {

  /** Lines of a log tail. */
  public static final int TAIL_LINES = 50;

  private final CloudApiClient client;
  private final RecentLogs logs;
  private final Scrubber scrubber;

  public CloudReportingActivities(CloudApiClient client, RecentLogs logs, Scrubber scrubber) {
    this.client = client;
    this.logs = logs;
    this.scrubber = scrubber;
  }

  @Override
  public void report(RunEvent event) {
    client.postEvent(event.runId(), event);
  }

  @Override
  public void postPrivacyReport(PrivacyReportPost post) {
    client.postReport(post.runId(), post.report().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void uploadLogTail(LogTailRequest request) {
    List<String> lines = new ArrayList<>(logs.tail(request.runId(), TAIL_LINES));
    if (request.error() != null) {
      lines.add("task " + request.task() + " failed: " + request.error());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("runId", request.runId());
    body.put("pipelineId", request.pipelineId());
    body.put("task", request.task());
    body.put("lines", scrubber.scrubLog(lines));
    client.postLogs(request.runId(), body);
  }
}
