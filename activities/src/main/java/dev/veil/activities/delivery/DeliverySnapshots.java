package dev.veil.activities.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.snapshot.RunSessions;
import dev.veil.activities.snapshot.ExportedSnapshot;
import dev.veil.activities.snapshot.SnapshotLostException;
import dev.veil.workflows.plan.DeliveryPlan;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SnapshotInfo;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source snapshot of a delivery run. A delivery has no build database, so its run prefix in
 * storage plays that part: the holder records the snapshot id in {@code _veil/snapshot-<epoch>.json}
 * for the chunks to import, and holds the snapshot until that record is deleted (by the publish,
 * or by the discard of a failed or cancelled run). Snapshot ids are not secrets; the record never
 * reaches a published delivery.
 */
public final class DeliverySnapshots {

  private static final Logger log = LoggerFactory.getLogger(DeliverySnapshots.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CHECK_EVERY = Duration.ofSeconds(2);

  private final ConnectionRegistry connections;
  private final DeliveryStorages storages;

  public DeliverySnapshots(ConnectionRegistry connections, DeliveryStorages storages) {
    this.connections = connections;
    this.storages = storages;
  }

  /** A recorded snapshot: its id and time, or {@code lost} when its holder could not hold it. */
  record Recorded(String snapshotId, String exportedAt, boolean lost) {}

  /**
   * Exports the snapshot, records it under the run prefix and holds it until the record is gone.
   *
   * @throws SnapshotLostException when the source connection breaks while holding
   */
  public SnapshotInfo hold(RunPlan plan, int epoch, Heartbeat heartbeat)
      throws SQLException, IOException, InterruptedException {
    DeliveryPlan delivery = plan.delivery();
    String key = DeliveryLayout.snapshotKey(delivery, epoch);
    try (DeliveryStorage storage = storages.open(delivery)) {
      ExportedSnapshot source;
      try {
        source = ExportedSnapshot.export(connections, plan.sourceConnection(),
            RunSessions.applicationName(plan.runUid(), "snapshot"));
      } catch (SQLException e) {
        // tell the waiting run at once instead of letting it wait for a record never written
        storage.put(key, record(null, null, true));
        throw e;
      }
      try (source) {
        storage.put(key, record(source.id(), source.exportedAt(), false));
        log.info("source snapshot exported for a delivery pipeline={} run={} epoch={} at={}",
            plan.pipelineId(), plan.runId(), epoch, source.exportedAt());
        SnapshotInfo info = new SnapshotInfo(epoch, source.exportedAt());
        while (true) {
          heartbeat.beat();
          try {
            source.checkAlive();
          } catch (SQLException e) {
            throw new SnapshotLostException("the connection holding the source snapshot broke"
                + " (SQLSTATE " + e.getSQLState() + ")");
          }
          Optional<Recorded> recorded = read(storage, delivery, epoch);
          if (recorded.isEmpty()) {
            log.info("source snapshot released pipeline={} run={} epoch={}", plan.pipelineId(),
                plan.runId(), epoch);
            return info;
          }
          Thread.sleep(CHECK_EVERY.toMillis());
        }
      }
    }
  }

  static byte[] record(String snapshotId, String exportedAt, boolean lost) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("snapshotId", snapshotId);
    m.put("exportedAt", exportedAt);
    m.put("lost", lost);
    return JSON.writeValueAsBytes(m);
  }

  /** The record of {@code epoch}, or empty when there is none (not yet, or released). */
  static Optional<Recorded> read(DeliveryStorage storage, DeliveryPlan plan, int epoch)
      throws IOException {
    Optional<byte[]> bytes = storage.get(DeliveryLayout.snapshotKey(plan, epoch));
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    JsonNode n = JSON.readTree(bytes.get());
    return Optional.of(new Recorded(n.path("snapshotId").asText(null),
        n.path("exportedAt").asText(null), n.path("lost").asBoolean(false)));
  }
}
