package dev.veil.activities.twin;

import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.db.Heartbeater;
import dev.veil.activities.db.SafeErrors;
import dev.veil.activities.scrub.Scrubber;
import dev.veil.activities.snapshot.SnapshotLostException;
import dev.veil.activities.twin.TwinDatabase.TwinException;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.activities.TwinActivities;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SwapResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activity face of {@link TwinDatabase}: heartbeats (from a background thread while pg_dump,
 * pg_restore or DDL block), failure types, scrubbed messages.
 */
public class TwinActivitiesImpl implements TwinActivities {

  private static final Logger log = LoggerFactory.getLogger(TwinActivitiesImpl.class);
  private static final Duration HEARTBEAT_EVERY = Duration.ofSeconds(5);
  /** Removes credentials (URL user info, password assignments) from tool and step messages. */
  private static final Scrubber SCRUBBER = new Scrubber();

  private final TwinDatabase twin;

  public TwinActivitiesImpl(TwinDatabase twin) {
    this.twin = twin;
  }

  @FunctionalInterface
  private interface Step<T> {
    T run(Heartbeat heartbeat) throws Exception;
  }

  private static <T> T step(RunPlan plan, String what, Step<T> body) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    Heartbeat heartbeat = () -> context.heartbeat(null);
    try (Heartbeater beating = Heartbeater.interrupting(heartbeat, HEARTBEAT_EVERY)) {
      try {
        return body.run(heartbeat);
      } catch (InterruptedException e) {
        beating.check();
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure(what + ": the worker is stopping", "TargetUnavailable");
      }
    } catch (ActivityCompletionException | ApplicationFailure e) {
      throw e;
    } catch (SnapshotLostException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), FailureTypes.SNAPSHOT_LOST);
    } catch (TwinException e) {
      String message = what + ": " + SCRUBBER.scrub(e.getMessage());
      log.warn("twin step failed pipeline={} run={}: {}", plan.pipelineId(), plan.runId(), message);
      throw ApplicationFailure.newNonRetryableFailure(message, FailureTypes.FINALIZE_FAILED);
    } catch (Exception e) {
      String message = what + ": " + describe(e);
      log.warn("twin step failed pipeline={} run={}: {}", plan.pipelineId(), plan.runId(), message);
      boolean retry = e instanceof SQLException sql ? SafeErrors.retryable(sql) : false;
      throw retry
          ? ApplicationFailure.newFailure(message, "TargetUnavailable")
          : ApplicationFailure.newNonRetryableFailure(message, FailureTypes.FINALIZE_FAILED);
    }
  }

  private static String describe(Exception e) {
    if (e instanceof SQLException || e.getCause() instanceof SQLException) {
      return SafeErrors.describe(e);
    }
    if (e instanceof IOException) {
      return "I/O error: " + SCRUBBER.scrub(String.valueOf(e.getMessage()));
    }
    return SCRUBBER.scrub(String.valueOf(e.getMessage()));
  }

  @Override
  public void createBuildDatabase(RunPlan plan, int epoch) {
    step(plan, "cannot create the build database " + plan.buildDatabase(), hb -> {
      twin.createBuildDatabase(plan, epoch);
      return null;
    });
    log.info("build database created pipeline={} run={} database={} epoch={}", plan.pipelineId(),
        plan.runId(), plan.buildDatabase(), epoch);
  }

  @Override
  public void loadSchema(RunPlan plan, int epoch) {
    step(plan, "cannot restore the source schema", hb -> {
      twin.loadSchema(plan, epoch, hb);
      return null;
    });
    log.info("schema restored pipeline={} run={} database={}", plan.pipelineId(), plan.runId(),
        plan.buildDatabase());
  }

  @Override
  public void buildTwin(RunPlan plan) {
    step(plan, "cannot build keys, indexes and constraints", hb -> {
      twin.buildTwin(plan);
      return null;
    });
    log.info("keys, indexes and constraints built pipeline={} run={}", plan.pipelineId(),
        plan.runId());
  }

  @Override
  public SwapResult swapTwin(RunPlan plan) {
    SwapResult result =
        step(plan, "cannot swap the new twin into " + plan.twinDatabase(),
            hb -> twin.swap(plan, hb));
    log.info("twin swapped pipeline={} run={} database={} alreadyDone={}", plan.pipelineId(),
        plan.runId(), plan.twinDatabase(), result.alreadyDone());
    return result;
  }

  @Override
  public void finishSwap(RunPlan plan) {
    step(plan, "cannot drop the replaced twin", hb -> {
      twin.finishSwap(plan);
      return null;
    });
  }

  @Override
  public void undoSwap(RunPlan plan) {
    step(plan, "cannot put the replaced twin back", hb -> {
      twin.undoSwap(plan);
      return null;
    });
    log.info("swap undone, old twin back in place pipeline={} run={} database={}",
        plan.pipelineId(), plan.runId(), plan.twinDatabase());
  }

  @Override
  public void discardBuild(RunPlan plan) {
    step(plan, "cannot drop the build database " + plan.buildDatabase(), hb -> {
      twin.discard(plan);
      return null;
    });
    log.info("build database dropped pipeline={} run={} database={}", plan.pipelineId(),
        plan.runId(), plan.buildDatabase());
  }
}
