package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Which rows of one table a subset keeps, fixed at plan time.
 *
 * @param predicate an SQL boolean expression over the source table's rows (semi-joins and
 *     recursive CTEs over the source, read only), ANDed into each chunk's filter; {@code null}
 *     keeps every row
 * @param reason why the table is in the subset, for the preview: {@code root}, {@code down from
 *     X}, {@code up from Y}, {@code whole}, {@code empty}
 * @param nullIfMissing {@code column -> condition}: the column is copied where the condition
 *     holds and NULL elsewhere (a reference whose target is not in the subset, as the spec asked)
 * @param closure for a table the subset reaches: the query of the whole closure ({@code veil_t,
 *     veil_toid, veil_tid} of every included row of every reached table), the same for every such
 *     table. A run evaluates it once under its snapshot and keeps the rows in the build database;
 *     each chunk then reads only its rows by ctid instead of evaluating {@code predicate}. Null
 *     elsewhere (and in plans recorded before it existed: chunks then use {@code predicate})
 * @param closureTag this table's {@code veil_t} in the closure, with {@code closure}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubsetFilter(
    String predicate,
    String reason,
    Map<String, String> nullIfMissing,
    String closure,
    Integer closureTag) {
  public SubsetFilter {
    nullIfMissing = nullIfMissing == null ? Map.of() : nullIfMissing;
  }

  public SubsetFilter(String predicate, String reason, Map<String, String> nullIfMissing) {
    this(predicate, reason, nullIfMissing, null, null);
  }
}
