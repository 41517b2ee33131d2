package dev.veil.activities.testing;

import dev.veil.activities.db.ConnectionSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link WorkerMain} child JVM for tests that kill workers: started and waited for until it
 * polls, its stdout lines queued for {@link #awaitLine}, killed with SIGKILL by {@link #kill}.
 */
public final class WorkerProcess implements AutoCloseable {

  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final java.util.List<String> output =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  private WorkerProcess(Process process) {
    this.process = process;
  }

  /** Starts a worker against {@code address} and returns once it prints {@code READY}. */
  public static WorkerProcess start(String address, ConnectionSettings source,
      ConnectionSettings target, Path pipelines, Map<String, String> environment)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                WorkerMain.class.getName(), address, source.url(), target.url(), source.user(),
                pipelines.toString())
            .redirectErrorStream(true);
    pb.environment().putAll(environment);
    WorkerProcess worker = new WorkerProcess(pb.start());
    Thread drain = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(worker.process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          worker.lines.add(line);
          worker.output.add(line);
        }
      } catch (IOException ignored) {
        // the process was killed
      }
    });
    drain.setDaemon(true);
    drain.start();
    if (!worker.awaitLine("READY", Duration.ofMinutes(1))) {
      worker.close();
      throw new AssertionError("worker did not start");
    }
    return worker;
  }

  /** Waits until the worker prints {@code expected} (a whole line); false if it did not in time. */
  public boolean awaitLine(String expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      String line = lines.poll(left, TimeUnit.NANOSECONDS);
      if (expected.equals(line)) {
        return true;
      }
    }
  }

  /** The last {@code n} lines the worker printed, for a failure message. */
  public String tail(int n) {
    synchronized (output) {
      return String.join("\n", output.subList(Math.max(0, output.size() - n), output.size()));
    }
  }

  /** SIGKILL, and waits for the process to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("worker did not die");
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
