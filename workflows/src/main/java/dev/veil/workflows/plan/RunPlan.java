package dev.veil.workflows.plan;

import java.util.List;

/**
 * What one run will do, fixed at plan time so that every later step agrees on it.
 *
 * @param pipelineId pipeline id
 * @param runId run id (the run workflow's id)
 * @param pipelineVersion spec version the plan was made from
 * @param sourceConnection source connection name
 * @param targetConnection target connection name
 * @param targetSchema schema the twin is swapped into
 * @param stagingSchema schema the run loads into; dropped when the run ends
 * @param maxActiveTasks how many tasks may run at once
 * @param tables the tables, in dependency order
 * @param warnings what the copy does not reproduce, by name (an FK to an excluded table, …)
 */
public record RunPlan(
    String pipelineId,
    String runId,
    String pipelineVersion,
    String sourceConnection,
    String targetConnection,
    String targetSchema,
    String stagingSchema,
    int maxActiveTasks,
    List<TablePlan> tables,
    List<String> warnings) {}
