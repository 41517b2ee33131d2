package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Options of one table.
 *
 * @param where a filter on the source rows (an SQL boolean expression, checked against the source
 *     at plan time in a read-only transaction)
 * @param sample percent of rows to copy, {@code (0, 100]}, using {@code TABLESAMPLE BERNOULLI}
 *     with a fixed seed so that reruns pick the same rows
 * @param mode {@code copy} (default) copies rows; {@code schema} creates the table empty
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableOptions(String where, Double sample, TableMode mode) {
  public TableMode effectiveMode() {
    return mode == null ? TableMode.copy : mode;
  }
}
