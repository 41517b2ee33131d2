package dev.veil.activities.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.activities.copy.BinaryCopyRows;
import dev.veil.activities.copy.CopyEngine;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.rules.ValueTransform;
import dev.veil.activities.snapshot.RunSessions;
import dev.veil.activities.snapshot.SnapshotLostException;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.DeliveryPlan;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskHeartbeat;
import dev.veil.workflows.plan.TaskResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * The data path of one delivery chunk: the copy engine's source side ({@code COPY (SELECT …) TO
 * STDOUT} under the run's snapshot) and its column rules, then a format writer into a local
 * temporary file, uploaded whole to the chunk's deterministic part key. A retry writes the same
 * key again, so a chunk never leaves two parts; the part's statistics are recorded after it.
 */
public final class DeliveryEngine {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PROGRESS_NANOS = 1_000_000_000L;

  private final ConnectionRegistry connections;
  private final CopyEngine rules;
  private final DeliveryStorages storages;

  public DeliveryEngine(ConnectionRegistry connections, MaskingKey key, DeliveryStorages storages) {
    this.connections = connections;
    this.rules = new CopyEngine(connections, key);
    this.storages = storages;
  }

  /**
   * Writes one chunk's part.
   *
   * @param progress receives rows and bytes about once a second; throwing from it (a cancel)
   *     stops the chunk before anything is uploaded
   */
  public TaskResult write(TableTask task, Consumer<TaskHeartbeat> progress)
      throws SQLException, IOException {
    long started = System.nanoTime();
    DeliveryPlan plan = task.delivery();
    String sourceSession = RunSessions.taskApplicationName(task.runUid(), task.taskId(), 's');
    Path file = Files.createTempFile("veil-part-", PartWriter.extension(plan.format(),
        plan.compression()));
    try (DeliveryStorage storage = storages.open(plan);
        Connection source = connections.open(task.sourceConnection(), sourceSession)) {
      RunSessions.terminate(source, sourceSession);
      DeliverySnapshots.Recorded snapshot =
          DeliverySnapshots.read(storage, plan, task.epoch())
              .filter(r -> !r.lost() && r.snapshotId() != null)
              .orElseThrow(() -> new SnapshotLostException("the run's source snapshot of epoch "
                  + task.epoch() + " is not held any more"));
      RunSessions.importSnapshot(source, snapshot.snapshotId());

      List<ColumnPlan> copied =
          task.columns().stream().filter(c -> !c.generated()).collect(Collectors.toList());
      List<DeliveryColumn> columns = new ArrayList<>();
      for (ColumnPlan c : copied) {
        columns.add(DeliveryColumn.of(c.name(), c.type(), c.rule() != null));
      }
      Set<String> asText = columns.stream().filter(DeliveryColumn::readAsText)
          .map(DeliveryColumn::name).collect(Collectors.toSet());
      ValueTransform[] transforms = rules.transforms(copied, source);

      CopyOut out = source.unwrap(PGConnection.class).getCopyAPI()
          .copyOut(CopyEngine.copyOutSql(task, copied, asText, null));
      long rows = 0;
      BinaryCopyRows reader = new BinaryCopyRows(out, transforms);
      try (PartWriter writer = PartWriter.open(plan.format(), plan.compression(), columns, file)) {
        long lastProgress = System.nanoTime();
        byte[][] row;
        while ((row = reader.next()) != null) {
          writer.write(row);
          rows++;
          if ((rows & 255) == 0 && System.nanoTime() - lastProgress >= PROGRESS_NANOS) {
            lastProgress = System.nanoTime();
            progress.accept(new TaskHeartbeat(task.taskId(), rows, reader.bytesRead()));
          }
        }
      } catch (SQLException | IOException | RuntimeException e) {
        if (out.isActive()) {
          try {
            out.cancelCopy();
          } catch (SQLException ignored) {
            // the connection is closed next anyway
          }
        }
        throw e;
      }
      source.commit();
      progress.accept(new TaskHeartbeat(task.taskId(), rows, reader.bytesRead()));

      long bytes = Files.size(file);
      String sha256 = sha256(file);
      String partKey = DeliveryLayout.partKey(task);
      storage.put(partKey, file);
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("path", partKey.substring(DeliveryLayout.runPrefix(plan).length()));
      stats.put("rows", rows);
      stats.put("bytes", bytes);
      stats.put("sha256", sha256);
      storage.put(DeliveryLayout.partStatsKey(task), JSON.writeValueAsBytes(stats));
      long millis = (System.nanoTime() - started) / 1_000_000;
      return new TaskResult(task.taskId(), rows, bytes, millis);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buffer = new byte[1 << 16];
      while (in.read(buffer) >= 0) {
        // digesting
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
