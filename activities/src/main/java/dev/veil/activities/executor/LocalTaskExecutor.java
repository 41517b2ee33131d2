package dev.veil.activities.executor;

import dev.veil.activities.copy.CopyEngine;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskResult;

/** Runs the copy engine in the worker JVM: the default executor. */
public class LocalTaskExecutor implements TaskExecutor {

  private final CopyEngine engine;

  public LocalTaskExecutor(ConnectionRegistry connections, MaskingKey key) {
    this.engine = new CopyEngine(connections, key);
  }

  @Override
  public TaskResult run(TableTask task, int attempt, Progress progress) throws Exception {
    return engine.copy(task, progress::report);
  }
}
