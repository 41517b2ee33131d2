package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A pipeline: which database, which tables, which rule for which column, where the safe copy goes.
 * Connections are names resolved by the agent; no credential ever appears here. Validated by the
 * activities before any work starts.
 *
 * @param id pipeline id, {@code [a-z0-9][a-z0-9-]{0,62}}
 * @param version opaque version of the config (from the dashboard's ETag or the file's digest)
 * @param schedule optional 5-field cron expression
 * @param maxActiveTasks how many table tasks of one run may run at once (default 4)
 * @param executor task execution settings (timeouts, retries)
 * @param source source connection name and schemas to read
 * @param target target connection name and schema to write
 * @param tables include/exclude patterns and per-table options
 * @param rules {@code "schema.table.column" -> rule}
 * @param unmatchedColumns what to do with columns that have no rule
 * @param resources pod resources for the kubernetes executor
 * @param nodeSelector pod node selector for the kubernetes executor
 * @param tolerations pod tolerations for the kubernetes executor
 * @param subset optional subset that keeps every foreign key whole
 * @param verify the leak check before the swap (default: mode fail, sample 100, minLength 5)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineSpec(
    String id,
    String version,
    String schedule,
    Integer maxActiveTasks,
    ExecutorSpec executor,
    SourceSpec source,
    TargetSpec target,
    TablesSpec tables,
    Map<String, RuleSpec> rules,
    UnmatchedColumns unmatchedColumns,
    ResourcesSpec resources,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    SubsetSpec subset,
    VerifySpec verify) {

  public static final int DEFAULT_MAX_ACTIVE_TASKS = 4;

  public int effectiveMaxActiveTasks() {
    return maxActiveTasks == null ? DEFAULT_MAX_ACTIVE_TASKS : maxActiveTasks;
  }

  public ExecutorSpec effectiveExecutor() {
    return executor == null ? ExecutorSpec.DEFAULTS : executor.withDefaults();
  }

  public TablesSpec effectiveTables() {
    return tables == null ? TablesSpec.EMPTY : tables;
  }

  public Map<String, RuleSpec> effectiveRules() {
    return rules == null ? Map.of() : rules;
  }

  public UnmatchedColumns effectiveUnmatchedColumns() {
    return unmatchedColumns == null ? UnmatchedColumns.passthrough : unmatchedColumns;
  }

  public VerifySpec effectiveVerify() {
    return verify == null ? VerifySpec.DEFAULTS : verify.withDefaults();
  }

  /** Returns this spec with {@link #version} replaced. */
  public PipelineSpec withVersion(String newVersion) {
    return new PipelineSpec(id, newVersion, schedule, maxActiveTasks, executor, source, target,
        tables, rules, unmatchedColumns, resources, nodeSelector, tolerations, subset, verify);
  }
}
