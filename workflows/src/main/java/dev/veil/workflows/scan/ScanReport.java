package dev.veil.workflows.scan;

import java.util.List;

/**
 * The result of a scan: what was looked at, the findings, and a {@code rules:} block ready to
 * paste into a pipeline spec. Holds no sampled value.
 *
 * @param connection the scanned connection's name
 * @param schemas the scanned schemas
 * @param tables tables scanned
 * @param columns columns looked at
 * @param findings likely personal-data columns, most confident first
 * @param suggestedRules YAML {@code rules:} block for the findings
 * @param suggestedPipeline a complete pipeline file around those rules (source, target, verify),
 *     ready for {@code veil check}
 */
public record ScanReport(
    String connection,
    List<String> schemas,
    int tables,
    int columns,
    List<ColumnFinding> findings,
    String suggestedRules,
    String suggestedPipeline) {}
