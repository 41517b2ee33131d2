package dev.veil.activities.snapshot;

import dev.veil.activities.db.ConnectionRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of one run on the source and target servers. Each carries an {@code
 * application_name} that names the run (and the task), so the sessions of an abandoned attempt or
 * a dropped run can be found in {@code pg_stat_activity} and ended, and each source read imports
 * the run's one snapshot.
 */
public final class RunSessions {

  private static final Logger log = LoggerFactory.getLogger(RunSessions.class);
  private static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9A-Fa-f-]{1,64}");

  private RunSessions() {}

  /** {@code veil-<run>-<what>}: at most 63 bytes, no data in it. */
  public static String applicationName(String runUid, String what) {
    return prefix(runUid) + what.substring(0, Math.min(what.length(), 40));
  }

  /**
   * The {@code application_name} of one task's session on one side ({@code 's'} source, {@code
   * 't'} target), the same for each of its attempts. The sides differ because source and target
   * may be one server: ending an earlier attempt's sessions must not end this attempt's other one.
   */
  public static String taskApplicationName(String runUid, String taskId, char side) {
    return applicationName(runUid, side + shortHash(taskId));
  }

  private static String prefix(String runUid) {
    String uid = runUid == null ? "legacy" : runUid.replace("-", "");
    return "veil-" + uid.substring(0, Math.min(12, uid.length())) + "-";
  }

  static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts a read-only {@code REPEATABLE READ} transaction on {@code source} under the exported
   * snapshot {@code snapshotId}, with {@code search_path} pinned to {@code pg_catalog}.
   *
   * @throws SnapshotLostException when the snapshot can no longer be imported (its holder ended)
   */
  public static void importSnapshot(Connection source, String snapshotId) throws SQLException {
    if (!SNAPSHOT_ID.matcher(snapshotId).matches()) {
      throw new IllegalArgumentException("not a snapshot id");
    }
    source.setAutoCommit(false);
    try (Statement s = source.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      try {
        s.execute("SET TRANSACTION SNAPSHOT '" + snapshotId + "'");
      } catch (SQLException e) {
        if ("22023".equals(e.getSQLState()) || "0A000".equals(e.getSQLState())) {
          throw new SnapshotLostException("the run's source snapshot can no longer be imported"
              + " (its holder ended): the copy starts over under a new one");
        }
        throw e;
      }
      s.execute("SET LOCAL search_path TO pg_catalog");
    }
  }

  /**
   * Ends the sessions named {@code applicationName} on a connection's server other than the
   * caller's own: an abandoned attempt's statements must not go on blocking its retry. Best
   * effort: a role that may not signal them is logged and skipped.
   */
  public static int terminate(Connection c, String applicationName) {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_catalog.pg_terminate_backend(pid)"
            + " FROM pg_catalog.pg_stat_activity WHERE application_name = ?"
            + " AND pid <> pg_catalog.pg_backend_pid()")) {
      ps.setString(1, applicationName);
      int n = 0;
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          n++;
        }
      }
      return n;
    } catch (SQLException e) {
      log.info("could not end earlier sessions {}: SQLSTATE {}", applicationName, e.getSQLState());
      return 0;
    }
  }

  /** Ends every session of a run on the server of {@code connection}. Best effort. */
  public static void terminate(ConnectionRegistry connections, String connection, String runUid) {
    if (runUid == null) {
      return;
    }
    try (Connection c = connections.open(connection, "veil-cleanup");
        PreparedStatement ps =
            c.prepareStatement("SELECT pg_catalog.pg_terminate_backend(pid)"
                + " FROM pg_catalog.pg_stat_activity WHERE application_name LIKE ?"
                + " AND pid <> pg_catalog.pg_backend_pid()")) {
      ps.setString(1, prefix(runUid).replace("_", "\\_") + "%");
      ps.executeQuery().close();
    } catch (SQLException e) {
      log.info("could not end the run's sessions on {}: SQLSTATE {}", connection, e.getSQLState());
    }
  }
}
