package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * Which tables a run copies.
 *
 * @param include patterns {@code schema.table}, {@code *} matches any run of characters (default:
 *     every table of the source schemas)
 * @param exclude patterns removed after include
 * @param options per-table options keyed by {@code schema.table}
 * @param chunkRows tables estimated larger than this are split into chunks of about this many rows
 *     that copy in parallel and retry on their own (default 500000)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TablesSpec(
    List<String> include, List<String> exclude, Map<String, TableOptions> options, Long chunkRows) {

  public static final TablesSpec EMPTY = new TablesSpec(null, null, null, null);
  public static final long DEFAULT_CHUNK_ROWS = 500_000L;

  public List<String> effectiveInclude() {
    return include == null ? List.of() : include;
  }

  public List<String> effectiveExclude() {
    return exclude == null ? List.of() : exclude;
  }

  public Map<String, TableOptions> effectiveOptions() {
    return options == null ? Map.of() : options;
  }

  public long effectiveChunkRows() {
    return chunkRows == null ? DEFAULT_CHUNK_ROWS : chunkRows;
  }
}
