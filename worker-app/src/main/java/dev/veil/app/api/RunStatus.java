package dev.veil.app.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.TableProgress;
import java.util.List;

/**
 * What {@code veil status}, {@code veil start --follow} and {@code GET /api/runs/{runId}} show of a
 * run: the workflow's own progress, with the live rows of running chunks added in.
 *
 * @param runId run (workflow) id
 * @param pipelineId pipeline id, or {@code null} if not known
 * @param workflowStatus Temporal's status: {@code RUNNING}, {@code COMPLETED}, {@code FAILED},
 *     {@code CANCELED}, {@code TERMINATED}, {@code TIMED_OUT}, {@code CONTINUED_AS_NEW}
 * @param state the run's own state ({@code PLANNING} … {@code SUCCEEDED}); {@code null} when the
 *     progress could not be read (no worker answered)
 * @param outcome {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED}
 * @param tables per-table progress; {@code rowsDone} includes heartbeats of running chunks
 * @param rowsDone rows copied so far, all tables
 * @param rowsEstimated rows estimated, all tables
 * @param startedAtMillis epoch millis the run started
 * @param elapsedMillis millis from start to end (or to now while it runs)
 * @param error why it failed or was cancelled, or {@code null}
 * @param warnings what the copy does not reproduce, by name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunStatus(
    String runId,
    String pipelineId,
    String workflowStatus,
    RunState state,
    Outcome outcome,
    List<TableProgress> tables,
    long rowsDone,
    long rowsEstimated,
    Long startedAtMillis,
    Long elapsedMillis,
    String error,
    List<String> warnings) {

  /** Where a run ended up, as exit codes and dashboards care about it. */
  public enum Outcome {
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED
  }

  @JsonIgnore
  public boolean finished() {
    return outcome != Outcome.RUNNING;
  }
}
