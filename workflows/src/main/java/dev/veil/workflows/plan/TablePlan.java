package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.workflows.spec.TableMode;
import java.util.List;

/**
 * One source table whose rows a run copies (a plain table or a leaf partition).
 *
 * @param sourceSchema schema in the source (and in the twin)
 * @param name table name (the same in source and twin)
 * @param estimatedRows {@code reltuples} of the source table (0 when never analyzed)
 * @param columns the columns, in source order
 * @param where validated row filter from the spec, or {@code null}
 * @param sample percent sampled, or {@code null}
 * @param mode copy rows or structure only
 * @param chunks page ranges to copy as separate tasks (one open range for small tables)
 * @param partitionOf {@code schema.table} of the partitioned table this leaf belongs to (its
 *     options and rules apply here), or {@code null}
 * @param subset the rows a subset keeps, or {@code null} (no subset)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TablePlan(
    String sourceSchema,
    String name,
    long estimatedRows,
    List<ColumnPlan> columns,
    String where,
    Double sample,
    TableMode mode,
    List<ChunkRange> chunks,
    String partitionOf,
    SubsetFilter subset) {

  /** A table plan without a subset. */
  public TablePlan(
      String sourceSchema,
      String name,
      long estimatedRows,
      List<ColumnPlan> columns,
      String where,
      Double sample,
      TableMode mode,
      List<ChunkRange> chunks,
      String partitionOf) {
    this(sourceSchema, name, estimatedRows, columns, where, sample, mode, chunks, partitionOf,
        null);
  }

  /** This plan with {@link #subset} replaced. */
  public TablePlan withSubset(SubsetFilter newSubset) {
    return new TablePlan(sourceSchema, name, estimatedRows, columns, where, sample, mode, chunks,
        partitionOf, newSubset);
  }

  /** {@code schema.table} as used in specs and messages. */
  public String qualifiedName() {
    return sourceSchema + "." + name;
  }
}
