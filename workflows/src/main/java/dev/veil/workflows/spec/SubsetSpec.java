package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A subset that keeps every foreign key whole: root rows, the rows that reference them (down,
 * within the edges' limits), every row an included row references (up, always), and what to do
 * with the tables the subset does not reach.
 *
 * @param roots {@code schema.table -> condition}: where the subset starts
 * @param edges {@code schema.table.constraint -> options}: per foreign key (or named virtual key)
 * @param virtualForeignKeys relationships the catalog does not declare
 * @param otherTables tables the subset does not reach: {@code whole} (default) or {@code empty}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubsetSpec(
    Map<String, Root> roots,
    Map<String, Edge> edges,
    List<VirtualKey> virtualForeignKeys,
    OtherTables otherTables) {

  public Map<String, Root> effectiveRoots() {
    return roots == null ? Map.of() : roots;
  }

  public Map<String, Edge> effectiveEdges() {
    return edges == null ? Map.of() : edges;
  }

  public List<VirtualKey> effectiveVirtualForeignKeys() {
    return virtualForeignKeys == null ? List.of() : virtualForeignKeys;
  }

  public OtherTables effectiveOtherTables() {
    return otherTables == null ? OtherTables.whole : otherTables;
  }

  /**
   * Where a subset starts in one table: the rows matching {@code where} (an SQL boolean
   * expression, as {@code tables.options.*.where}), or a {@code sample} percentage drawn with
   * {@code TABLESAMPLE BERNOULLI} and a fixed seed. Written as a bare string for a condition.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Root(String where, Double sample) {
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public Root(@JsonProperty("where") String where, @JsonProperty("sample") Double sample) {
      this.where = where;
      this.sample = sample;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Root of(String where) {
      return new Root(where, null);
    }
  }

  /**
   * Options of one foreign key (or named virtual key).
   *
   * @param limit at most this many child rows per parent row are followed down
   * @param follow {@code false}: not followed down (parents are still followed up)
   * @param nullIfMissing the referencing columns are set to NULL where the referenced row is not
   *     in the subset, instead of bringing that row in
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Edge(Integer limit, Boolean follow, Boolean nullIfMissing) {
    public boolean followed() {
      return follow == null || follow;
    }

    public boolean nulledIfMissing() {
      return nullIfMissing != null && nullIfMissing;
    }
  }

  /**
   * A relationship the catalog does not declare, followed like a foreign key.
   *
   * @param from {@code schema.table.(col, ...)}: the referencing columns
   * @param to {@code schema.table.(col, ...)}: the referenced columns
   * @param when optional condition on the referencing row (a polymorphic key)
   * @param name optional name, so {@code edges.schema.table.<name>} can set its options
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VirtualKey(String from, String to, String when, String name) {}

  /** What happens to the tables a subset does not reach. */
  public enum OtherTables {
    /** Copied, keeping only rows whose references are all present. */
    whole,
    /** Created empty. */
    empty
  }
}
