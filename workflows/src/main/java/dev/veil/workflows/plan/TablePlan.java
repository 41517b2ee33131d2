package dev.veil.workflows.plan;

import dev.veil.workflows.spec.TableMode;
import java.util.List;

/**
 * One source table of a run.
 *
 * @param sourceSchema schema in the source
 * @param name table name (the same in source, staging and target)
 * @param estimatedRows {@code reltuples} of the source table (0 when never analyzed)
 * @param columns the columns, in source order
 * @param where validated row filter from the spec, or {@code null}
 * @param sample percent sampled, or {@code null}
 * @param mode copy rows or structure only
 * @param chunks page ranges to copy as separate tasks (one open range for small tables)
 * @param ddl statements that rebuild the table in staging
 */
public record TablePlan(
    String sourceSchema,
    String name,
    long estimatedRows,
    List<ColumnPlan> columns,
    String where,
    Double sample,
    TableMode mode,
    List<ChunkRange> chunks,
    TableDdl ddl) {

  /** {@code schema.table} as used in specs and messages. */
  public String qualifiedName() {
    return sourceSchema + "." + name;
  }
}
