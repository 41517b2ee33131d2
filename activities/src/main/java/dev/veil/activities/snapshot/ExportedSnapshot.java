package dev.veil.activities.snapshot;

import dev.veil.activities.db.ConnectionRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A source snapshot exported for as long as this object is open: a read-only {@code REPEATABLE
 * READ} transaction that ran {@code pg_export_snapshot()}, so that several sessions can read the
 * source as of one instant. Writes nothing (a hot standby works). Closing it ends the snapshot.
 */
public final class ExportedSnapshot implements AutoCloseable {

  private final Connection session;
  private final String id;
  private final String exportedAt;

  private ExportedSnapshot(Connection session, String id, String exportedAt) {
    this.session = session;
    this.id = id;
    this.exportedAt = exportedAt;
  }

  /** Exports a snapshot of {@code sourceConnection} in a session named {@code applicationName}. */
  public static ExportedSnapshot export(ConnectionRegistry connections, String sourceConnection,
      String applicationName) throws SQLException {
    Connection session = connections.open(sourceConnection, applicationName);
    try (Statement s = session.createStatement()) {
      session.setAutoCommit(false);
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      try (ResultSet rs =
          s.executeQuery("SELECT pg_catalog.pg_export_snapshot(),"
              + " pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC',"
              + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")) {
        rs.next();
        return new ExportedSnapshot(session, rs.getString(1), rs.getString(2));
      }
    } catch (SQLException | RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /**
   * Whether {@code snapshotId} can still be imported on {@code sourceConnection} (its exporting
   * transaction is alive).
   */
  public static boolean importable(ConnectionRegistry connections, String sourceConnection,
      String applicationName, String snapshotId) throws SQLException {
    try (Connection probe = connections.open(sourceConnection, applicationName)) {
      RunSessions.importSnapshot(probe, snapshotId);
      probe.rollback();
      return true;
    } catch (SnapshotLostException e) {
      return false;
    }
  }

  /** Throws if the session holding the snapshot broke (the snapshot is then gone). */
  public void checkAlive() throws SQLException {
    try (Statement s = session.createStatement()) {
      s.execute("SELECT 1");
    }
  }

  public String id() {
    return id;
  }

  /** When it was exported (UTC, ISO-8601). */
  public String exportedAt() {
    return exportedAt;
  }

  /** Ends the snapshot; a session that broke already is just closed. */
  @Override
  public void close() throws SQLException {
    try {
      session.rollback();
    } catch (SQLException broken) {
      // the snapshot is gone either way
    } finally {
      session.close();
    }
  }
}
