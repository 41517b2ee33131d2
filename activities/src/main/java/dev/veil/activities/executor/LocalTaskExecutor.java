package dev.veil.activities.executor;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskResult;

/** STUB — being implemented: runs the copy engine in this JVM. */
public class LocalTaskExecutor implements TaskExecutor {
  private final ConnectionRegistry connections;
  private final MaskingKey key;

  public LocalTaskExecutor(ConnectionRegistry connections, MaskingKey key) {
    this.connections = connections;
    this.key = key;
  }

  @Override
  public TaskResult run(TableTask task, int attempt, Progress progress) {
    throw new UnsupportedOperationException("stub " + connections + key);
  }
}
