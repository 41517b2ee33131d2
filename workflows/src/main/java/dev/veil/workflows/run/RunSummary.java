package dev.veil.workflows.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Result of a run that finished (successfully or cancelled by signal). Failed runs fail the
 * workflow with the table named in the failure instead.
 *
 * @param pipelineId pipeline id
 * @param runId run id
 * @param state {@code SUCCEEDED} or {@code CANCELLED}
 * @param tables per-table final progress
 * @param rows rows copied
 * @param millis workflow time from start to end
 * @param reason why it was cancelled, or {@code null}
 * @param warnings what the copy does not reproduce, by name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSummary(
    String pipelineId,
    String runId,
    RunState state,
    List<TableProgress> tables,
    long rows,
    long millis,
    String reason,
    List<String> warnings) {}
