package dev.veil.workflows.plan;

import dev.veil.workflows.spec.ResourcesSpec;
import dev.veil.workflows.spec.Toleration;
import java.util.List;
import java.util.Map;

/**
 * One unit of copy work: a chunk of one table, streamed from source to the staging table.
 *
 * @param pipelineId pipeline id (for logs and labels)
 * @param runId run id (for logs, labels and the chunk ledger)
 * @param taskId unique in the run: {@code schema.table#chunk}
 * @param sourceConnection source connection name
 * @param targetConnection target connection name
 * @param stagingSchema schema of the staging table
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
 */
public record TableTask(
    String pipelineId,
    String runId,
    String taskId,
    String sourceConnection,
    String targetConnection,
    String stagingSchema,
    String sourceSchema,
    String table,
    List<ColumnPlan> columns,
    String where,
    Double sample,
    ChunkRange chunk,
    long estimatedRows,
    ResourcesSpec resources,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations) {

  /** A task without pod placement settings (the local executor needs none). */
  public TableTask(
      String pipelineId,
      String runId,
      String taskId,
      String sourceConnection,
      String targetConnection,
      String stagingSchema,
      String sourceSchema,
      String table,
      List<ColumnPlan> columns,
      String where,
      Double sample,
      ChunkRange chunk,
      long estimatedRows) {
    this(pipelineId, runId, taskId, sourceConnection, targetConnection, stagingSchema,
        sourceSchema, table, columns, where, sample, chunk, estimatedRows, null, null, null);
  }
}
