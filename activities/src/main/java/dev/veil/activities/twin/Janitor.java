package dev.veil.activities.twin;

import static dev.veil.activities.db.Sql.ident;

import dev.veil.activities.db.SafeErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops replaced twins in the background, one at a time, on a daemon thread of the worker. A run
 * is done once its twin is swapped in; dropping the old one forces a checkpoint on the server
 * (PostgreSQL's {@code DROP DATABASE} writes out every dirty page first), which can take seconds
 * after a big load and is nobody's wait. What a dead worker did not drop is marked and found by
 * the pipeline's next run or {@code veil cleanup}.
 */
final class Janitor {

  /** Opens a maintenance session on a target server. */
  interface Admin {
    Connection open(String targetConnection) throws SQLException;
  }

  private static final Logger log = LoggerFactory.getLogger(Janitor.class);

  private final Admin admin;
  private final AtomicInteger pending = new AtomicInteger();
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "veil-twin-janitor");
        t.setDaemon(true);
        return t;
      });

  Janitor(Admin admin) {
    this.admin = admin;
  }

  /** Drops {@code database} on {@code targetConnection}'s server soon. */
  void drop(String targetConnection, String database, String pipelineId, String runId) {
    pending.incrementAndGet();
    executor.execute(() -> {
      try (Connection c = admin.open(targetConnection);
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + ident(database) + " WITH (FORCE)");
        log.info("replaced twin dropped pipeline={} run={} database={}", pipelineId, runId,
            database);
      } catch (SQLException | RuntimeException e) {
        log.warn("replaced twin not dropped, the next run drops it pipeline={} run={} database={}"
            + " error={}", pipelineId, runId, database, SafeErrors.describe(e));
      } finally {
        synchronized (pending) {
          pending.decrementAndGet();
          pending.notifyAll();
        }
      }
    });
  }

  /** Waits until every drop handed over so far has ended; false on timeout. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (pending) {
      while (pending.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(pending, left);
      }
    }
    return true;
  }
}
