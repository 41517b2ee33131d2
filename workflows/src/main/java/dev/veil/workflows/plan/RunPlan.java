package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What one run will do, fixed at plan time so that every later step agrees on it.
 *
 * @param pipelineId pipeline id
 * @param runId run id (the run workflow's id)
 * @param runUid the run's UUID (unique for ever; names the build database)
 * @param pipelineVersion spec version the plan was made from
 * @param sourceConnection source connection name
 * @param targetConnection target connection name; its database is the twin
 * @param twinDatabase the twin: the target connection's database, replaced whole by each run
 * @param buildDatabase the database this run builds the new twin in, on the target's server;
 *     renamed to {@code twinDatabase} by the swap, dropped if the run fails or is cancelled
 * @param schemas the source schemas, each recreated in the twin under the same name
 * @param maxActiveTasks how many tasks may run at once
 * @param tables the tables whose rows are copied (leaf partitions, not their parents), largest
 *     first
 * @param skippedConstraints foreign keys not restored because the table they reference is not
 *     copied whole, as {@code schema.table.constraint}
 * @param twin how the twin is restored and swapped
 * @param warnings what the copy does not reproduce, by name
 * @param delivery where a delivery run writes its files, or {@code null} for a twin run (then
 *     the target connection, twin and build database are {@code null})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunPlan(
    String pipelineId,
    String runId,
    String runUid,
    String pipelineVersion,
    String sourceConnection,
    String targetConnection,
    String twinDatabase,
    String buildDatabase,
    List<String> schemas,
    int maxActiveTasks,
    List<TablePlan> tables,
    List<String> skippedConstraints,
    TwinOptions twin,
    List<String> warnings,
    DeliveryPlan delivery) {

  public RunPlan(
      String pipelineId,
      String runId,
      String runUid,
      String pipelineVersion,
      String sourceConnection,
      String targetConnection,
      String twinDatabase,
      String buildDatabase,
      List<String> schemas,
      int maxActiveTasks,
      List<TablePlan> tables,
      List<String> skippedConstraints,
      TwinOptions twin,
      List<String> warnings) {
    this(pipelineId, runId, runUid, pipelineVersion, sourceConnection, targetConnection,
        twinDatabase, buildDatabase, schemas, maxActiveTasks, tables, skippedConstraints, twin,
        warnings, null);
  }

  public RunPlan {
    schemas = schemas == null ? List.of() : schemas;
    tables = tables == null ? List.of() : tables;
    skippedConstraints = skippedConstraints == null ? List.of() : skippedConstraints;
    twin = twin == null ? TwinOptions.DEFAULTS : twin;
    warnings = warnings == null ? List.of() : warnings;
  }
}
