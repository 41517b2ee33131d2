package dev.veil.workflows.scan;

import java.util.List;

/**
 * What to scan for personal data.
 *
 * @param connection a connection name configured on the agent (never credentials)
 * @param schemas schemas to scan; default {@code [public]}
 * @param sampleRows rows sampled per table (TABLESAMPLE, bounded); default 1000, 10..100000
 */
public record ScanRequest(String connection, List<String> schemas, Integer sampleRows) {

  public static final int DEFAULT_SAMPLE_ROWS = 1000;

  public List<String> effectiveSchemas() {
    return schemas == null || schemas.isEmpty() ? List.of("public") : schemas;
  }

  public int effectiveSampleRows() {
    return sampleRows == null ? DEFAULT_SAMPLE_ROWS : sampleRows;
  }
}
