package dev.veil.activities.testing;

import dev.veil.activities.RunActivities;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.snapshot.SnapshotHolder;
import dev.veil.activities.twin.TwinDatabase;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.plan.TableTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A run's build database with its schema restored and its source snapshot held by a background
 * thread, as the workflow's first steps leave it, so the copy engine can be tested on its own.
 * Closing drops the build database (which ends the holder).
 */
public final class HeldBuild implements AutoCloseable {

  private final ConnectionRegistry registry;
  private final RunPlan plan;
  private final TwinDatabase twin;
  private final CompletableFuture<Void> holder;

  private HeldBuild(ConnectionRegistry registry, RunPlan plan) throws Exception {
    this.registry = registry;
    this.plan = plan;
    this.twin = new TwinDatabase(registry, RunActivities.pgTools(null));
    twin.createBuildDatabase(plan, 1);
    SnapshotHolder snapshots = new SnapshotHolder(registry, twin);
    this.holder =
        CompletableFuture.runAsync(
            () -> {
              try {
                snapshots.hold(plan, 1, Heartbeat.NONE);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    twin.loadSchema(plan, 1, Heartbeat.NONE);
  }

  /** Creates the build database of {@code plan}, holds its snapshot and restores pre-data. */
  public static HeldBuild prepare(ConnectionRegistry registry, RunPlan plan) throws Exception {
    return new HeldBuild(registry, plan);
  }

  public TwinDatabase twin() {
    return twin;
  }

  /** Settings that reach the build database. */
  public ConnectionSettings settings() {
    return registry.settings(plan.targetConnection()).withDatabase(plan.buildDatabase());
  }

  /** The task of chunk {@code chunk} of {@code table}, as the workflow would make it. */
  public TableTask task(TablePlan table, int chunk) {
    return new TableTask(plan.pipelineId(), plan.runId(), table.qualifiedName() + "#" + chunk,
        plan.sourceConnection(), plan.targetConnection(), plan.buildDatabase(),
        table.sourceSchema(), table.sourceSchema(), table.name(), table.columns(), table.where(),
        table.sample(), table.chunks().get(chunk), table.estimatedRows(), null, null, null, 1,
        plan.runUid(), table.subset());
  }

  /** The task of the first table's first chunk. */
  public TableTask task() {
    return task(plan.tables().get(0), 0);
  }

  @Override
  public void close() throws Exception {
    twin.discard(plan);
    holder.handle((v, e) -> null).get(30, TimeUnit.SECONDS);
  }
}
