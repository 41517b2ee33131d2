package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.workflows.spec.ResourcesSpec;
import dev.veil.workflows.spec.Toleration;
import java.util.List;
import java.util.Map;

/**
 * One unit of copy work: a chunk of one table, streamed from the source, under the run's snapshot,
 * into the same table of the run's build database.
 *
 * @param pipelineId pipeline id (for logs and labels)
 * @param runId run id (for logs and labels)
 * @param taskId unique in the run: {@code schema.table#chunk}
 * @param sourceConnection source connection name
 * @param targetConnection target connection name (its server holds the build database)
 * @param targetDatabase the run's build database; the task reads the snapshot to import and
 *     records its chunk in that database's {@code _veil} schema
 * @param targetSchema schema of the table in the build database (the source schema)
 * @param sourceSchema schema of the source table
 * @param table table name
 * @param columns columns with their rules
 * @param where validated filter, or {@code null}
 * @param sample percent sampled, or {@code null}
 * @param chunk page range, or {@code null} for the whole table
 * @param estimatedRows estimated rows of this chunk
 * @param resources the pipeline's pod resources (kubernetes executor), or {@code null}: the
 *     worker's defaults
 * @param nodeSelector the pipeline's pod node selector (kubernetes executor), or {@code null}
 * @param tolerations the pipeline's pod tolerations (kubernetes executor), or {@code null}
 * @param epoch the copy's epoch: 1, or more after the source snapshot was lost and the copy
 *     started over
 * @param runUid the run's UUID (names its sessions, so an abandoned attempt can be stopped)
 * @param subset the rows of the table a subset keeps, or {@code null}
 * @param delivery where the chunk's part file goes in a delivery run, or {@code null} (then the
 *     target fields are {@code null} too)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableTask(
    String pipelineId,
    String runId,
    String taskId,
    String sourceConnection,
    String targetConnection,
    String targetDatabase,
    String targetSchema,
    String sourceSchema,
    String table,
    List<ColumnPlan> columns,
    String where,
    Double sample,
    ChunkRange chunk,
    long estimatedRows,
    ResourcesSpec resources,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    int epoch,
    String runUid,
    SubsetFilter subset,
    DeliveryPlan delivery) {

  /** A task of a twin run. */
  public TableTask(
      String pipelineId,
      String runId,
      String taskId,
      String sourceConnection,
      String targetConnection,
      String targetDatabase,
      String targetSchema,
      String sourceSchema,
      String table,
      List<ColumnPlan> columns,
      String where,
      Double sample,
      ChunkRange chunk,
      long estimatedRows,
      ResourcesSpec resources,
      Map<String, String> nodeSelector,
      List<Toleration> tolerations,
      int epoch,
      String runUid,
      SubsetFilter subset) {
    this(pipelineId, runId, taskId, sourceConnection, targetConnection, targetDatabase,
        targetSchema, sourceSchema, table, columns, where, sample, chunk, estimatedRows, resources,
        nodeSelector, tolerations, epoch, runUid, subset, null);
  }

  /** A task without a subset. */
  public TableTask(
      String pipelineId,
      String runId,
      String taskId,
      String sourceConnection,
      String targetConnection,
      String targetDatabase,
      String targetSchema,
      String sourceSchema,
      String table,
      List<ColumnPlan> columns,
      String where,
      Double sample,
      ChunkRange chunk,
      long estimatedRows,
      ResourcesSpec resources,
      Map<String, String> nodeSelector,
      List<Toleration> tolerations,
      int epoch,
      String runUid) {
    this(pipelineId, runId, taskId, sourceConnection, targetConnection, targetDatabase,
        targetSchema, sourceSchema, table, columns, where, sample, chunk, estimatedRows, resources,
        nodeSelector, tolerations, epoch, runUid, null);
  }

  /** A task without pod placement settings (the local executor needs none). */
  public TableTask(
      String pipelineId,
      String runId,
      String taskId,
      String sourceConnection,
      String targetConnection,
      String targetDatabase,
      String targetSchema,
      String sourceSchema,
      String table,
      List<ColumnPlan> columns,
      String where,
      Double sample,
      ChunkRange chunk,
      long estimatedRows) {
    this(pipelineId, runId, taskId, sourceConnection, targetConnection, targetDatabase,
        targetSchema, sourceSchema, table, columns, where, sample, chunk, estimatedRows, null,
        null, null, 1, null);
  }
}
