package dev.veil.workflows.activities;

import dev.veil.workflows.scan.ScanReport;
import dev.veil.workflows.scan.ScanRequest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Samples a database and reports columns that likely hold personal data. */
@ActivityInterface
public interface ScanActivities {
  /**
   * Samples each table of the requested schemas (TABLESAMPLE, at most {@code sampleRows} rows) in
   * a read-only transaction and detects personal data by column name and by content. The report
   * carries counts and confidence only, never a value. Read only; idempotent; heartbeats once per
   * table.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code InvalidSpec} (non-retryable) for an
   *     unknown connection, schema or a bad sample size; {@code SourceUnavailable} when the
   *     database cannot be read (retried)
   */
  @ActivityMethod
  ScanReport scan(ScanRequest request);
}
