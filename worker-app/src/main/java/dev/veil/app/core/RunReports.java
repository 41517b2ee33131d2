package dev.veil.app.core;

import dev.veil.workflows.verify.LeakCheckResult;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A run's signed privacy report, read from the run's own history (the result of its leak check):
 * there for every run that reached the check, a run the check stopped included, whose twin was
 * dropped with its {@code _veil} schema.
 */
public final class RunReports {

  private static final String CHECK_LEAKS = "CheckLeaks";
  private final WorkflowClient client;

  public RunReports(WorkflowClient client) {
    this.client = client;
  }

  /** The report's JSON exactly as signed, or empty when the run has none (yet). */
  public Optional<String> find(String runId) {
    WorkflowExecutionHistory history = client.fetchHistory(runId);
    Set<Long> checks = new HashSet<>();
    String report = null;
    for (HistoryEvent event : history.getEvents()) {
      if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && CHECK_LEAKS.equals(
              event.getActivityTaskScheduledEventAttributes().getActivityType().getName())) {
        checks.add(event.getEventId());
      } else if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
          && checks.contains(
              event.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
        LeakCheckResult result =
            client.getOptions().getDataConverter().fromPayloads(0,
                Optional.of(event.getActivityTaskCompletedEventAttributes().getResult()),
                LeakCheckResult.class, LeakCheckResult.class);
        if (result != null && result.report() != null) {
          report = result.report();
        }
      }
    }
    return Optional.ofNullable(report);
  }
}
