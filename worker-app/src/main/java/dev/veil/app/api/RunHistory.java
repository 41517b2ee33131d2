package dev.veil.app.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The dashboard's runs × tables grid of one pipeline: its recent runs (oldest first) and, for
 * each table, one cell per run.
 *
 * @param pipelineId the pipeline
 * @param runs the runs, oldest first (skipped fires left out)
 * @param tables one row per table seen in any of those runs, sorted by name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunHistory(String pipelineId, List<Run> runs, List<TableRow> tables) {

  /**
   * One run: a column of the grid.
   *
   * @param runId run id
   * @param outcome RUNNING, SUCCEEDED, FAILED, CANCELLED
   * @param trigger SCHEDULE or RUN_NOW
   * @param startedAtMillis when it started
   * @param millis how long it took (0 while running)
   * @param rows rows copied
   * @param error why it failed or was cancelled, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Run(
      String runId,
      String outcome,
      String trigger,
      long startedAtMillis,
      long millis,
      long rows,
      String error) {}

  /**
   * One table: a row of the grid, with a cell per run (null where the run had no such table).
   */
  public record TableRow(String table, List<Cell> cells) {}

  /**
   * One table in one run.
   *
   * @param state the table's state in that run (PENDING, COPYING, COPIED, FAILED, CANCELLED…)
   * @param rows rows copied
   * @param error the table's error, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Cell(String state, long rows, String error) {}
}
