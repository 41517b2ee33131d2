package dev.veil.workflows.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Answer of the {@code progress} query.
 *
 * @param pipelineId pipeline id
 * @param runId run id
 * @param state run state
 * @param tables per-table progress, in plan order
 * @param startedAtMillis workflow time the run started
 * @param error why the run failed or was cancelled, or {@code null}
 * @param warnings what the copy does not reproduce, by name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunProgress(
    String pipelineId,
    String runId,
    RunState state,
    List<TableProgress> tables,
    long startedAtMillis,
    String error,
    List<String> warnings) {}
