package dev.veil.workflows.activities;

import dev.veil.workflows.verify.LeakCheckRequest;
import dev.veil.workflows.verify.LeakCheckResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The leak check of a run: runs on the {@code veil} task queue, after the build, before the swap. */
@ActivityInterface
public interface VerifyActivities {

  /**
   * Proves the build database clean: fingerprints (keyed HMAC, 64 bits) the source values of every
   * column with an identifying rule, read under the run's snapshot, then scans every column of the
   * build database (whole values, tokens of free text, JSON string leaves, array elements) for
   * them, confirming each candidate exactly against the source; passthrough columns are also run
   * through the scanner's detectors. Releases the run's source snapshot when done, whatever the
   * outcome (so a policy of {@code off} still calls it).
   *
   * <p>Idempotent (reads only, apart from the release mark). Heartbeats per table; its timeout is
   * {@code VeilActivityOptions.VERIFY}. It returns findings rather than failing on them: the
   * workflow applies the policy. Fails with {@code SnapshotLost} when the snapshot is gone.
   */
  @ActivityMethod
  LeakCheckResult checkLeaks(LeakCheckRequest request);
}
