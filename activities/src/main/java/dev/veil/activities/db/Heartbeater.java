package dev.veil.activities.db;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats from a background thread while the caller blocks in work that cannot heartbeat by
 * itself (a pg_dump process, a DDL statement, a wait). When a heartbeat throws (the activity was
 * cancelled, or the server no longer knows the attempt) it runs {@code onStop} once, which should
 * make the blocked work end (interrupt the thread, cancel the statement, kill the process); {@link
 * #check()} then rethrows what the heartbeat threw.
 */
public final class Heartbeater implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Heartbeater.class);

  private final Thread thread;
  private final AtomicReference<RuntimeException> stopped = new AtomicReference<>();
  private volatile boolean closed;

  private Heartbeater(Heartbeat heartbeat, Duration every, Runnable onStop) {
    thread =
        new Thread(
            () -> {
              while (!closed) {
                try {
                  heartbeat.beat();
                } catch (RuntimeException e) {
                  if (closed) {
                    return;
                  }
                  stopped.compareAndSet(null, e);
                  try {
                    onStop.run();
                  } catch (RuntimeException stopFailure) {
                    log.warn("stopping work after a failed heartbeat failed: {}",
                        stopFailure.getClass().getSimpleName());
                  }
                  return;
                }
                try {
                  Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "veil-heartbeat");
    thread.setDaemon(true);
  }

  /** Starts heartbeating every {@code every}. */
  public static Heartbeater start(Heartbeat heartbeat, Duration every, Runnable onStop) {
    Heartbeater h = new Heartbeater(heartbeat, every, onStop);
    h.thread.start();
    return h;
  }

  /** Interrupts the calling thread when a heartbeat fails: for work that answers interrupts. */
  public static Heartbeater interrupting(Heartbeat heartbeat, Duration every) {
    Thread caller = Thread.currentThread();
    return start(heartbeat, every, caller::interrupt);
  }

  /** Rethrows what a heartbeat threw (the activity was cancelled or abandoned), if anything. */
  public void check() {
    RuntimeException e = stopped.get();
    if (e != null) {
      throw e;
    }
  }

  /** Whether a heartbeat failed and the work was told to stop. */
  public boolean stoppedWork() {
    return stopped.get() != null;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    // clear an interrupt aimed at the caller that raced with the end of its work
    if (stopped.get() == null) {
      Thread.interrupted();
    }
  }
}
