package dev.veil.activities.snapshot;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.twin.TwinDatabase;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SnapshotInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the one source snapshot of a run (epoch): a read-only {@code REPEATABLE READ} transaction
 * that exported it with {@code pg_export_snapshot()} and stays open until the build database
 * marks the snapshot released. It writes nothing to the source, so a hot standby works.
 */
public final class SnapshotHolder {

  private static final Logger log = LoggerFactory.getLogger(SnapshotHolder.class);
  private static final Duration CHECK_EVERY = Duration.ofSeconds(2);

  private final ConnectionRegistry connections;
  private final TwinDatabase twin;

  public SnapshotHolder(ConnectionRegistry connections, TwinDatabase twin) {
    this.connections = connections;
    this.twin = twin;
  }

  /**
   * Exports the snapshot, records it in the build database and holds it.
   *
   * @param heartbeat called every few seconds; throwing from it (a cancel) ends the hold
   * @throws SnapshotLostException when the source connection breaks while holding
   */
  public SnapshotInfo hold(RunPlan plan, int epoch, Heartbeat heartbeat)
      throws SQLException, InterruptedException {
    try (ExportedSnapshot source = ExportedSnapshot.export(connections, plan.sourceConnection(),
            RunSessions.applicationName(plan.runUid(), "snapshot"));
        Connection build = twin.build(plan, RunSessions.applicationName(plan.runUid(), "holder"))) {
      String snapshotId = source.id();
      String exportedAt = source.exportedAt();
      try (PreparedStatement ps =
          build.prepareStatement("INSERT INTO " + TwinDatabase.SNAPSHOTS
              + " (epoch, snapshot_id, exported_at) VALUES (?, ?, ?::timestamptz)"
              + " ON CONFLICT (epoch) DO UPDATE SET snapshot_id = excluded.snapshot_id,"
              + " exported_at = excluded.exported_at, released = false")) {
        ps.setInt(1, epoch);
        ps.setString(2, snapshotId);
        ps.setString(3, exportedAt);
        ps.executeUpdate();
      }
      log.info("source snapshot exported pipeline={} run={} epoch={} at={}", plan.pipelineId(),
          plan.runId(), epoch, exportedAt);
      SnapshotInfo info = new SnapshotInfo(epoch, exportedAt);
      try (PreparedStatement released =
              build.prepareStatement("SELECT released FROM " + TwinDatabase.SNAPSHOTS
                  + " WHERE epoch = ?")) {
        released.setInt(1, epoch);
        while (true) {
          heartbeat.beat();
          try {
            source.checkAlive();
          } catch (SQLException e) {
            throw new SnapshotLostException("the connection holding the source snapshot broke"
                + " (SQLSTATE " + e.getSQLState() + ")");
          }
          try (ResultSet rs = released.executeQuery()) {
            if (!rs.next() || rs.getBoolean(1)) {
              log.info("source snapshot released pipeline={} run={} epoch={}", plan.pipelineId(),
                  plan.runId(), epoch);
              return info;
            }
          } catch (SQLException e) {
            // the build database is gone: the run dropped it (failed, cancelled, new epoch)
            log.info("build database gone, snapshot released pipeline={} run={} epoch={}",
                plan.pipelineId(), plan.runId(), epoch);
            return info;
          }
          Thread.sleep(CHECK_EVERY.toMillis());
        }
      }
    }
  }
}
