package dev.veil.app.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what a long command opened, last opened first, exactly once: at the end of the command or,
 * on Ctrl-C / SIGTERM, from a shutdown hook (a {@code finally} in the main thread would not run).
 */
final class Closer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Closer.class);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread hook = new Thread(this::closeAll, "veil-closer");

  Closer() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  synchronized <T extends AutoCloseable> T add(T resource) {
    resources.push(resource);
    return resource;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook closes everything
    }
    closeAll();
  }

  private void closeAll() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    while (true) {
      AutoCloseable next;
      synchronized (this) {
        next = resources.poll();
      }
      if (next == null) {
        return;
      }
      try {
        next.close();
      } catch (Exception e) {
        log.warn("cleanup step failed: {}", e.toString());
      }
    }
  }
}
