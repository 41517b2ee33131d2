package dev.veil.activities.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.DeliveryActivities;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.DeliveryPlan;
import dev.veil.workflows.plan.DeliveryResult;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.TableMode;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery steps around the chunks: wait for the snapshot record, publish (manifest last,
 * then the {@code latest} pointer, then pruning beyond {@code keep}), discard. Storage errors reach
 * Temporal as failures that name the operation and the HTTP status only.
 */
public class DeliveryActivitiesImpl implements DeliveryActivities {

  private static final Logger log = LoggerFactory.getLogger(DeliveryActivitiesImpl.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Duration SNAPSHOT_WAIT = Duration.ofMinutes(5);
  /** Version of the manifest's own layout. */
  public static final int MANIFEST_VERSION = 1;

  private final DeliveryStorages storages;

  public DeliveryActivitiesImpl(DeliveryStorages storages) {
    this.storages = storages;
  }

  @Override
  public void awaitSnapshot(RunPlan plan, int epoch) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    long deadline = System.nanoTime() + SNAPSHOT_WAIT.toNanos();
    try (DeliveryStorage storage = storages.open(plan.delivery())) {
      while (true) {
        context.heartbeat(epoch);
        Optional<DeliverySnapshots.Recorded> recorded =
            DeliverySnapshots.read(storage, plan.delivery(), epoch);
        if (recorded.isPresent()) {
          if (recorded.get().lost()) {
            throw ApplicationFailure.newNonRetryableFailure(
                "the source snapshot could not be exported", FailureTypes.SNAPSHOT_LOST);
          }
          return;
        }
        if (System.nanoTime() > deadline) {
          throw ApplicationFailure.newNonRetryableFailure(
              "the source snapshot was not recorded within " + SNAPSHOT_WAIT.toMinutes()
                  + " minutes", FailureTypes.SNAPSHOT_LOST);
        }
        Thread.sleep(250);
      }
    } catch (IOException e) {
      throw storageFailure(plan, "waiting for the snapshot", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("the worker is stopping", FailureTypes.DELIVERY_FAILED);
    }
  }

  @Override
  public DeliveryResult publish(RunPlan plan) {
    DeliveryPlan delivery = plan.delivery();
    ActivityExecutionContext context = Activity.getExecutionContext();
    try (DeliveryStorage storage = storages.open(delivery)) {
      String runPrefix = DeliveryLayout.runPrefix(delivery);
      String manifestKey = runPrefix + DeliveryLayout.MANIFEST;
      JsonNode manifest = storage.get(manifestKey).map(DeliveryActivitiesImpl::parse).orElse(null);
      if (manifest == null) {
        String snapshotTime = releaseSnapshot(storage, delivery);
        context.heartbeat(null);
        manifest = manifest(plan, snapshotTime, storage);
        // everything the manifest lists is in place: writing it publishes the delivery
        storage.put(manifestKey, JSON.writeValueAsBytes(manifest));
      }
      ObjectNode latest = JSON.createObjectNode();
      latest.put("runId", plan.runId());
      latest.put("manifest", manifestKey.substring(DeliveryLayout.pipelinePrefix(delivery)
          .length()));
      latest.put("publishedAt", manifest.path("publishedAt").asText());
      storage.put(DeliveryLayout.pipelinePrefix(delivery) + DeliveryLayout.LATEST,
          JSON.writeValueAsBytes(latest));
      storage.deleteAll(runPrefix + "_veil/");
      int pruned = prune(storage, plan);
      int files = 0;
      long rows = 0;
      long bytes = 0;
      for (JsonNode table : manifest.path("tables")) {
        for (JsonNode f : table.path("files")) {
          files++;
          rows += f.path("rows").asLong();
          bytes += f.path("bytes").asLong();
        }
      }
      log.info("delivery published pipeline={} run={} files={} rows={} bytes={} pruned={}",
          plan.pipelineId(), plan.runId(), files, rows, bytes, pruned);
      return new DeliveryResult(storage.uri(manifestKey), files, rows, bytes, pruned);
    } catch (IOException e) {
      throw storageFailure(plan, "publishing", e);
    }
  }

  /**
   * Records the snapshot time for the manifest, then deletes the snapshot records: that releases
   * the holder. A retry finds the time recorded.
   */
  private static String releaseSnapshot(DeliveryStorage storage, DeliveryPlan delivery)
      throws IOException {
    String publishKey = DeliveryLayout.publishKey(delivery);
    Optional<byte[]> recorded = storage.get(publishKey);
    if (recorded.isPresent()) {
      return parse(recorded.get()).path("snapshotTime").asText(null);
    }
    String snapshotTime = null;
    int latestEpoch = -1;
    String prefix = DeliveryLayout.runPrefix(delivery) + "_veil/";
    List<String> snapshotKeys = new ArrayList<>();
    for (String key : storage.list(prefix)) {
      if (!key.startsWith(DeliveryLayout.snapshotPrefix(delivery))) {
        continue;
      }
      snapshotKeys.add(key);
      int epoch = Integer.parseInt(key.substring(DeliveryLayout.snapshotPrefix(delivery).length(),
          key.length() - ".json".length()));
      if (epoch > latestEpoch) {
        latestEpoch = epoch;
        snapshotTime = DeliverySnapshots.read(storage, delivery, epoch)
            .map(DeliverySnapshots.Recorded::exportedAt).orElse(null);
      }
    }
    ObjectNode publish = JSON.createObjectNode();
    publish.put("snapshotTime", snapshotTime);
    storage.put(publishKey, JSON.writeValueAsBytes(publish));
    for (String key : snapshotKeys) {
      storage.delete(key);
    }
    return snapshotTime;
  }

  /** The manifest: every part with rows, bytes and sha256; each table's columns and types. */
  private static ObjectNode manifest(RunPlan plan, String snapshotTime, DeliveryStorage storage)
      throws IOException {
    DeliveryPlan delivery = plan.delivery();
    Map<String, List<JsonNode>> partsByTable = new HashMap<>();
    String statsPrefix = DeliveryLayout.partStatsPrefix(delivery);
    for (String key : new TreeSet<>(storage.list(statsPrefix))) {
      String rest = key.substring(statsPrefix.length());
      String folder = rest.substring(0, rest.indexOf('/'));
      JsonNode stats = parse(storage.get(key).orElseThrow());
      partsByTable.computeIfAbsent(folder, f -> new ArrayList<>()).add(stats);
    }
    ObjectNode m = JSON.createObjectNode();
    m.put("manifestVersion", MANIFEST_VERSION);
    m.put("pipeline", plan.pipelineId());
    m.put("runId", plan.runId());
    m.put("specVersion", plan.pipelineVersion());
    m.put("snapshotTime", snapshotTime);
    m.put("publishedAt", Instant.now().toString());
    m.put("format", delivery.format().name());
    m.put("compression", delivery.compression().name());
    // the leak check over delivered files and its privacy report are not part of delivery yet
    m.putNull("privacyReportDigest");
    ArrayNode tables = m.putArray("tables");
    List<TablePlan> sorted = new ArrayList<>(plan.tables());
    sorted.sort(Comparator.comparing(TablePlan::qualifiedName));
    for (TablePlan t : sorted) {
      if (t.mode() == TableMode.schema) {
        continue;
      }
      String folder = DeliveryLayout.tableFolder(t.sourceSchema(), t.name());
      List<JsonNode> parts = partsByTable.getOrDefault(folder, List.of());
      if (parts.size() != t.chunks().size()) {
        throw ApplicationFailure.newNonRetryableFailure(
            "table " + t.qualifiedName() + ": " + parts.size() + " of " + t.chunks().size()
                + " parts are in the delivery storage; nothing was published",
            FailureTypes.DELIVERY_FAILED);
      }
      ObjectNode table = tables.addObject();
      table.put("schema", t.sourceSchema());
      table.put("table", t.name());
      table.put("folder", folder);
      ArrayNode columns = table.putArray("columns");
      for (ColumnPlan c : t.columns()) {
        if (c.generated()) {
          continue;
        }
        ObjectNode column = columns.addObject();
        column.put("name", c.name());
        column.put("type", c.type());
      }
      long rows = 0;
      ArrayNode files = table.putArray("files");
      for (JsonNode part : parts) {
        files.add(part);
        rows += part.path("rows").asLong();
      }
      table.put("rows", rows);
    }
    return m;
  }

  /** Deletes the pipeline's published deliveries beyond {@code keep}, oldest first. */
  private static int prune(DeliveryStorage storage, RunPlan plan) {
    DeliveryPlan delivery = plan.delivery();
    String pipelinePrefix = DeliveryLayout.pipelinePrefix(delivery);
    try {
      Map<String, String> publishedAt = new TreeMap<>();
      for (String key : storage.list(pipelinePrefix)) {
        String rest = key.substring(pipelinePrefix.length());
        if (rest.endsWith("/" + DeliveryLayout.MANIFEST)
            && rest.indexOf('/') == rest.length() - DeliveryLayout.MANIFEST.length() - 1) {
          String run = rest.substring(0, rest.indexOf('/'));
          JsonNode m = storage.get(key).map(DeliveryActivitiesImpl::parse).orElse(null);
          if (m != null) {
            publishedAt.put(run, m.path("publishedAt").asText(""));
          }
        }
      }
      List<String> newestFirst = new ArrayList<>(publishedAt.keySet());
      newestFirst.sort(Comparator.comparing((String r) -> publishedAt.get(r)).reversed()
          .thenComparing(Comparator.reverseOrder()));
      String current = delivery.runPrefix().substring(pipelinePrefix.length());
      newestFirst.remove(current);
      newestFirst.add(0, current);
      int pruned = 0;
      for (String run : newestFirst.subList(Math.min(delivery.keep(), newestFirst.size()),
          newestFirst.size())) {
        // the manifest goes first: a half-deleted delivery is never taken for a published one
        storage.delete(pipelinePrefix + run + "/" + DeliveryLayout.MANIFEST);
        storage.deleteAll(pipelinePrefix + run + "/");
        pruned++;
      }
      return pruned;
    } catch (IOException | RuntimeException e) {
      // the new delivery is published; old ones are pruned by the next run
      log.warn("pruning old deliveries failed pipeline={} run={}: {}", plan.pipelineId(),
          plan.runId(), e.getMessage());
      return 0;
    }
  }

  @Override
  public void discard(RunPlan plan) {
    try (DeliveryStorage storage = storages.open(plan.delivery())) {
      storage.deleteAll(DeliveryLayout.runPrefix(plan.delivery()));
      log.info("delivery discarded pipeline={} run={}", plan.pipelineId(), plan.runId());
    } catch (IOException e) {
      throw storageFailure(plan, "deleting the run's files", e);
    }
  }

  private static JsonNode parse(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable delivery bookkeeping file", e);
    }
  }

  private static ApplicationFailure storageFailure(RunPlan plan, String what, IOException e) {
    String message = "delivery storage: " + what + " failed: " + e.getMessage();
    log.warn("{} pipeline={} run={}", message, plan.pipelineId(), plan.runId());
    return e instanceof StorageRefusedException
        ? ApplicationFailure.newNonRetryableFailure(message, FailureTypes.DELIVERY_FAILED)
        : ApplicationFailure.newFailure(message, FailureTypes.DELIVERY_FAILED);
  }
}
