package dev.veil.activities.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs statements that may take minutes (index builds) while heartbeating from a side thread. If
 * a heartbeat throws (the activity was cancelled), the running statement is cancelled on the
 * server and the heartbeat's exception is rethrown to the caller.
 */
public final class GuardedStatements implements AutoCloseable {

  private final Connection connection;
  private final Heartbeat heartbeat;
  private final long periodMillis;
  private final ScheduledExecutorService timer;
  private volatile boolean halted;
  private volatile Statement running;

  public GuardedStatements(Connection connection, Heartbeat heartbeat, long periodMillis) {
    this.connection = connection;
    this.heartbeat = heartbeat;
    this.periodMillis = periodMillis;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "veil-heartbeat");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Cancels the statement running now (on the server) and refuses any further one; for a caller
   * whose other, parallel work failed. Safe from any thread.
   */
  public void stop() {
    halted = true;
    Statement current = running;
    if (current != null) {
      try {
        current.cancel();
      } catch (SQLException ignored) {
        // the statement is ending anyway
      }
    }
  }

  /** Executes one statement, heartbeating meanwhile. */
  public void execute(String sql) throws SQLException {
    if (halted) {
      throw new SQLException("stopped: parallel work failed", "57014");
    }
    heartbeat.beat();
    AtomicReference<RuntimeException> stopped = new AtomicReference<>();
    try (Statement statement = connection.createStatement()) {
      ScheduledFuture<?> beats =
          timer.scheduleAtFixedRate(
              () -> {
                try {
                  heartbeat.beat();
                } catch (RuntimeException e) {
                  if (stopped.compareAndSet(null, e)) {
                    try {
                      statement.cancel();
                    } catch (SQLException ignored) {
                      // the statement is ending anyway
                    }
                  }
                }
              },
              periodMillis,
              periodMillis,
              TimeUnit.MILLISECONDS);
      running = statement;
      try {
        if (halted) {
          throw new SQLException("stopped: parallel work failed", "57014");
        }
        statement.execute(sql);
      } catch (SQLException e) {
        if (stopped.get() != null) {
          throw stopped.get();
        }
        throw e;
      } finally {
        running = null;
        beats.cancel(false);
      }
    }
    if (stopped.get() != null) {
      throw stopped.get();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
