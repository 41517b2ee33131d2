package dev.veil.workflows.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The outcome of a leak check: what was looked at and what was found (never a value).
 *
 * @param performed false when the policy is {@code off}
 * @param fingerprintedColumns identifying source columns whose values were fingerprinted
 * @param fingerprints source values fingerprinted
 * @param scannedColumns twin columns scanned
 * @param scannedValues twin values (and tokens, JSON leaves, array elements) tested
 * @param findings the twin columns that hold personal data, empty when the twin is clean
 * @param report the run's signed privacy report (JSON; names and counts only), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeakCheckResult(
    boolean performed,
    int fingerprintedColumns,
    long fingerprints,
    int scannedColumns,
    long scannedValues,
    List<LeakFinding> findings,
    String report) {

  public LeakCheckResult {
    findings = findings == null ? List.of() : findings;
  }

  public boolean clean() {
    return findings.isEmpty();
  }
}
