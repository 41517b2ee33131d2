package dev.veil.app.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How long-running commands ({@code worker}, {@code dev-server}, {@code demo --keep}, {@code
 * server}) wait for the end: a JVM shutdown (SIGTERM, Ctrl-C) or {@link #request()}.
 */
public final class Shutdown {

  private final CountDownLatch requested = new CountDownLatch(1);
  private volatile boolean serving;

  /**
   * Blocks until the JVM is asked to stop or {@link #request()} is called, then runs {@code
   * cleanup} once.
   */
  public void await(Runnable cleanup) throws InterruptedException {
    AtomicBoolean done = new AtomicBoolean();
    Runnable once =
        () -> {
          if (done.compareAndSet(false, true)) {
            cleanup.run();
          }
        };
    Thread hook =
        new Thread(
            () -> {
              once.run();
              requested.countDown();
            },
            "veil-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      requested.await();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook runs (or ran) the cleanup
      }
      once.run();
    }
  }

  /** Ends a command waiting in {@link #await} (tests; the JVM's own hook otherwise). */
  public void request() {
    requested.countDown();
  }

  /** Called by {@code server} once Jetty runs: {@code main} must not exit then. */
  public void markServing() {
    serving = true;
  }

  /** Whether a server is running, so that {@code main} must not exit. */
  public boolean serving() {
    return serving;
  }
}
