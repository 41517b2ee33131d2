package dev.veil.activities.executor;

import dev.veil.activities.copy.CopyEngine;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.delivery.DeliveryEngine;
import dev.veil.activities.delivery.DeliveryStorages;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskResult;

/** Runs the copy engine (or a delivery's part writer) in the worker JVM: the default executor. */
public class LocalTaskExecutor implements TaskExecutor {

  private final CopyEngine engine;
  private final DeliveryEngine delivery;

  public LocalTaskExecutor(ConnectionRegistry connections, MaskingKey key) {
    this(connections, key, DeliveryStorages.none());
  }

  /** Also writes the chunks of delivery runs, to the storages configured on the agent. */
  public LocalTaskExecutor(
      ConnectionRegistry connections, MaskingKey key, DeliveryStorages storages) {
    this.engine = new CopyEngine(connections, key);
    this.delivery = new DeliveryEngine(connections, key, storages);
  }

  @Override
  public TaskResult run(TableTask task, int attempt, Progress progress) throws Exception {
    if (task.delivery() != null) {
      return delivery.write(task, progress::report);
    }
    return engine.copy(task, progress::report);
  }
}
