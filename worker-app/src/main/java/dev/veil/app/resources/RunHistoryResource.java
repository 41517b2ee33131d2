package dev.veil.app.resources;

import dev.veil.app.api.RunHistory;
import dev.veil.app.api.RunStatus;
import dev.veil.app.core.NoPipelineWorkflowException;
import dev.veil.app.core.PipelineControl;
import dev.veil.app.core.RunStatusReader;
import dev.veil.app.core.TemporalUnavailableException;
import dev.veil.workflows.pipeline.RunOutcome;
import dev.veil.workflows.pipeline.RunRecord;
import dev.veil.workflows.run.TableProgress;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/dashboard/pipelines/{id}/history}: the runs × tables grid of a pipeline, from its
 * workflow's recent runs (every run: started by {@code veil start}, the REST API, the dashboard
 * or the schedule) and each run's per-table status. A finished run never changes, so its tables
 * are read once and kept.
 */
@Path("/api/dashboard/pipelines/{id}/history")
@Produces(MediaType.APPLICATION_JSON)
public class RunHistoryResource {

  static final int DEFAULT_RUNS = 15;
  private static final int KEPT_FINISHED = 500;

  private final PipelineControl control;
  private final RunStatusReader reader;
  private final Map<String, List<TableProgress>> finished =
      Collections.synchronizedMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<TableProgress>> eldest) {
              return size() > KEPT_FINISHED;
            }
          });

  public RunHistoryResource(PipelineControl control, RunStatusReader reader) {
    this.control = control;
    this.reader = reader;
  }

  /** The grid of the pipeline's last {@code limit} runs (default 15); 404 without a workflow. */
  @GET
  public RunHistory history(@PathParam("id") String id, @QueryParam("limit") Integer limit) {
    List<RunRecord> records;
    try {
      records =
          control.status(id).lastRuns().stream()
              .filter(r -> r.outcome() != RunOutcome.SKIPPED)
              .toList();
    } catch (NoPipelineWorkflowException e) {
      throw ApiErrors.of(Response.Status.NOT_FOUND, e.getMessage());
    } catch (TemporalUnavailableException e) {
      throw ApiErrors.of(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
    }
    int n = limit == null || limit < 1 ? DEFAULT_RUNS : Math.min(limit, 100);
    List<RunRecord> shown = records.subList(Math.max(0, records.size() - n), records.size());

    List<RunHistory.Run> runs = new ArrayList<>();
    Map<String, RunHistory.Cell[]> byTable = new TreeMap<>();
    for (int i = 0; i < shown.size(); i++) {
      RunRecord r = shown.get(i);
      runs.add(
          new RunHistory.Run(
              r.runId(),
              String.valueOf(r.outcome()),
              String.valueOf(r.trigger()),
              r.startedAtMillis(),
              r.millis(),
              r.rows(),
              r.error()));
      for (TableProgress t : tables(r)) {
        byTable.computeIfAbsent(t.table(), k -> new RunHistory.Cell[shown.size()])[i] =
            new RunHistory.Cell(String.valueOf(t.state()), t.rowsDone(), t.error());
      }
    }
    List<RunHistory.TableRow> rows = new ArrayList<>();
    // Arrays.asList keeps the nulls: a run without this table has no cell
    byTable.forEach((table, cells) -> rows.add(new RunHistory.TableRow(table, Arrays.asList(cells))));
    return new RunHistory(id, runs, rows);
  }

  private List<TableProgress> tables(RunRecord r) {
    List<TableProgress> known = finished.get(r.runId());
    if (known != null) {
      return known;
    }
    try {
      RunStatus status = reader.read(r.runId());
      List<TableProgress> tables = status.tables() == null ? List.of() : status.tables();
      if (status.finished()) {
        finished.put(r.runId(), tables);
      }
      return tables;
    } catch (RuntimeException e) {
      return List.of(); // gone from Temporal (retention) or unreadable: the run's column stays
    }
  }
}
