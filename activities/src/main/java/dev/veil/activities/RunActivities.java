package dev.veil.activities;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.delivery.DeliveryActivitiesImpl;
import dev.veil.activities.delivery.DeliveryStorages;
import dev.veil.activities.executor.TaskActivitiesImpl;
import dev.veil.activities.executor.TaskExecutor;
import dev.veil.activities.plan.PlanningActivitiesImpl;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.schema.PgTools;
import dev.veil.activities.snapshot.SnapshotActivitiesImpl;
import dev.veil.activities.twin.LegacyTargetActivitiesImpl;
import dev.veil.activities.twin.TwinActivitiesImpl;
import dev.veil.activities.twin.TwinDatabase;
import dev.veil.activities.verify.VerifyActivitiesImpl;
import java.util.List;
import java.util.function.Supplier;

/**
 * The activity implementations a pipeline run needs, built in one place for the agent, the demo,
 * the benchmarks and the tests: planning, the build database and swap, the snapshot holder, the
 * table tasks, the leak check, and the staging-schema steps that runs recorded before the database twin still
 * call.
 */
public final class RunActivities {

  private RunActivities() {}

  /**
   * @param pgBinDir where pg_dump and pg_restore are ({@code postgres.binDir}), or null for {@code
   *     VEIL_PG_BIN} and PATH; they are looked for when a run first needs them, so an agent
   *     without them still starts and says what to install when a run needs them
   */
  public static List<Object> create(
      ConnectionRegistry connections, TaskExecutor executor, String pgBinDir) {
    return create(connections, executor, pgBinDir, null, null);
  }

  /**
   * @param maskingKey the agent's masking key: named (by fingerprint) in each run's privacy report,
   *     which is signed with a key derived from it; null leaves reports unsigned
   * @param reportKey signs privacy reports instead, when configuration names one; may be null
   */
  public static List<Object> create(ConnectionRegistry connections, TaskExecutor executor,
      String pgBinDir, MaskingKey maskingKey, byte[] reportKey) {
    return create(connections, executor, pgBinDir, maskingKey, reportKey,
        DeliveryStorages.none());
  }

  /** As {@link #create(ConnectionRegistry, TaskExecutor, String, MaskingKey, byte[])}, with delivery storages. */
  public static List<Object> create(ConnectionRegistry connections, TaskExecutor executor,
      String pgBinDir, MaskingKey maskingKey, byte[] reportKey, DeliveryStorages storages) {
    List<Object> all = new java.util.ArrayList<>(
        workflowSide(connections, pgBinDir, maskingKey, reportKey, storages));
    all.add(tasks(executor));
    return all;
  }

  /** The run's activities that poll the {@code veil} queue: all but the table tasks. */
  public static List<Object> workflowSide(ConnectionRegistry connections, String pgBinDir) {
    return workflowSide(connections, pgBinDir, null, null);
  }

  /** As {@link #workflowSide(ConnectionRegistry, String)}, signing privacy reports. */
  public static List<Object> workflowSide(ConnectionRegistry connections, String pgBinDir,
      MaskingKey maskingKey, byte[] reportKey) {
    return workflowSide(connections, pgBinDir, maskingKey, reportKey, DeliveryStorages.none());
  }

  /**
   * As {@link #workflowSide(ConnectionRegistry, String, MaskingKey, byte[])}, with the delivery
   * storages configured on the agent (for runs whose target is a delivery).
   */
  public static List<Object> workflowSide(ConnectionRegistry connections, String pgBinDir,
      MaskingKey maskingKey, byte[] reportKey, DeliveryStorages storages) {
    TwinDatabase twin = new TwinDatabase(connections, pgTools(pgBinDir));
    return List.of(
        new PlanningActivitiesImpl(connections, pgBinDir, storages),
        new TwinActivitiesImpl(twin),
        new SnapshotActivitiesImpl(connections, twin, storages),
        new LegacyTargetActivitiesImpl(connections),
        new VerifyActivitiesImpl(connections, twin, maskingKey, reportKey),
        new DeliveryActivitiesImpl(storages));
  }

  /** The table tasks, for the {@code veil-tasks} queue. */
  public static TaskActivitiesImpl tasks(TaskExecutor executor) {
    return new TaskActivitiesImpl(executor);
  }

  /** pg_dump and pg_restore from {@code binDir}, {@code VEIL_PG_BIN} or PATH, found once. */
  public static Supplier<PgTools> pgTools(String binDirOrNull) {
    return memoized(() -> PgTools.locate(binDirOrNull));
  }

  private static <T> Supplier<T> memoized(Supplier<T> supplier) {
    return new Supplier<>() {
      private volatile T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }
}
