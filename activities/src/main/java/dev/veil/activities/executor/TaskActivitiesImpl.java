package dev.veil.activities.executor;

import dev.veil.workflows.activities.TaskActivities;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskResult;

/** STUB — being implemented. */
public class TaskActivitiesImpl implements TaskActivities {
  private final TaskExecutor executor;

  public TaskActivitiesImpl(TaskExecutor executor) {
    this.executor = executor;
  }

  @Override
  public TaskResult run(TableTask task) {
    throw new UnsupportedOperationException("stub " + executor);
  }
}
