package dev.veil.activities.delivery;

import dev.veil.workflows.plan.DeliveryPlan;
import dev.veil.workflows.plan.TableTask;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where everything of a delivery lives, relative to its root ({@code to}):
 *
 * <pre>
 * &lt;pipeline&gt;/latest.json                        the last published run (written after its manifest)
 * &lt;pipeline&gt;/&lt;run&gt;/manifest.json                  written last: the run is published
 * &lt;pipeline&gt;/&lt;run&gt;/&lt;schema&gt;.&lt;table&gt;/part-00000.parquet   one part per chunk
 * &lt;pipeline&gt;/&lt;run&gt;/_veil/…                        bookkeeping while the run is in flight
 * </pre>
 */
public final class DeliveryLayout {

  public static final String MANIFEST = "manifest.json";
  public static final String LATEST = "latest.json";

  private DeliveryLayout() {}

  /** The run's folder, ending in {@code /}. */
  public static String runPrefix(DeliveryPlan plan) {
    return plan.runPrefix() + "/";
  }

  /** The pipeline's folder, ending in {@code /}. */
  public static String pipelinePrefix(DeliveryPlan plan) {
    return plan.runPrefix().substring(0, plan.runPrefix().lastIndexOf('/') + 1);
  }

  /** The table's folder name: {@code schema.table}, characters outside names percent-encoded. */
  public static String tableFolder(String schema, String table) {
    return segment(schema) + "." + segment(table);
  }

  private static String segment(String name) {
    return name.matches("[A-Za-z0-9_$-]+") ? name
        : URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")
            .replace(".", "%2E");
  }

  /** The chunk's index in its table, from the task id {@code schema.table#i}. */
  static int chunkIndex(TableTask task) {
    int hash = task.taskId().lastIndexOf('#');
    return hash < 0 ? 0 : Integer.parseInt(task.taskId().substring(hash + 1));
  }

  /** A part's file name: deterministic per chunk, so a retried chunk overwrites its part. */
  static String partName(int chunk, DeliveryPlan plan) {
    return String.format("part-%05d", chunk) + PartWriter.extension(plan.format(),
        plan.compression());
  }

  /** The part's key, relative to the root. */
  static String partKey(TableTask task) {
    DeliveryPlan plan = task.delivery();
    return runPrefix(plan) + tableFolder(task.sourceSchema(), task.table()) + "/"
        + partName(chunkIndex(task), plan);
  }

  /** The part's statistics (rows, bytes, sha256), written after the part. */
  static String partStatsKey(TableTask task) {
    return runPrefix(task.delivery()) + "_veil/parts/"
        + tableFolder(task.sourceSchema(), task.table()) + "/"
        + String.format("part-%05d.json", chunkIndex(task));
  }

  static String partStatsPrefix(DeliveryPlan plan) {
    return runPrefix(plan) + "_veil/parts/";
  }

  static String snapshotKey(DeliveryPlan plan, int epoch) {
    return runPrefix(plan) + "_veil/snapshot-" + epoch + ".json";
  }

  static String snapshotPrefix(DeliveryPlan plan) {
    return runPrefix(plan) + "_veil/snapshot-";
  }

  static String publishKey(DeliveryPlan plan) {
    return runPrefix(plan) + "_veil/publish.json";
  }
}
