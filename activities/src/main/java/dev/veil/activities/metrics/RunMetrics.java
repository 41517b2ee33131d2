package dev.veil.activities.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Veil's own meters, each with a {@code pipeline} tag. Counted where the work happens, in the
 * activities of the worker JVM (never in workflow code, which replays). Prometheus names: {@code
 * veil_runs_started_total}, {@code veil_runs_succeeded_total}, {@code veil_runs_failed_total},
 * {@code veil_runs_cancelled_total}, {@code veil_run_duration_seconds}, {@code
 * veil_rows_copied_total}, {@code veil_bytes_copied_total}, {@code veil_chunks_running}, {@code
 * veil_cloud_reports_dropped_total}.
 */
public final class RunMetrics {

  /** How a run ended, as the {@code veil_runs_<outcome>_total} counters name it. */
  public enum Outcome {
    SUCCEEDED,
    FAILED,
    CANCELLED
  }

  private final MeterRegistry registry;
  private final ConcurrentMap<String, AtomicInteger> chunksRunning = new ConcurrentHashMap<>();

  public RunMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Meters in Micrometer's global registry: the worker adds its Prometheus registry there, and
   * with none added they cost next to nothing.
   */
  public static RunMetrics global() {
    return Holder.GLOBAL;
  }

  private static final class Holder {
    static final RunMetrics GLOBAL = new RunMetrics(Metrics.globalRegistry);
  }

  public void runStarted(String pipeline) {
    counter("veil.runs.started", "Runs started", pipeline).increment();
  }

  /** A run ended after {@code millis}. */
  public void runEnded(String pipeline, Outcome outcome, long millis) {
    String name = outcome.name().toLowerCase(java.util.Locale.ROOT);
    counter("veil.runs." + name, "Runs " + name, pipeline).increment();
    Timer.builder("veil.run.duration")
        .description("Wall time of finished runs")
        .tags(Tags.of("pipeline", pipeline, "outcome", name))
        .register(registry)
        .record(Duration.ofMillis(Math.max(0, millis)));
  }

  /** A table chunk finished copying. */
  public void chunkCopied(String pipeline, long rows, long bytes) {
    counter("veil.rows.copied", "Rows copied to staging", pipeline).increment(rows);
    counter("veil.bytes.copied", "Bytes read from the source", pipeline).increment(bytes);
  }

  /** A table chunk starts on this worker; call {@link #chunkEnded} when it ends, however. */
  public void chunkStarted(String pipeline) {
    running(pipeline).incrementAndGet();
  }

  public void chunkEnded(String pipeline) {
    running(pipeline).decrementAndGet();
  }

  /** A report to the cloud API failed its last attempt: the run goes on without it. */
  public void cloudReportDropped(String pipeline) {
    counter("veil.cloud.reports.dropped", "Reports the cloud API did not take", pipeline)
        .increment();
  }

  private AtomicInteger running(String pipeline) {
    // the map keeps the gauge's number alive (Micrometer holds it weakly)
    return chunksRunning.computeIfAbsent(
        pipeline,
        p ->
            registry.gauge(
                "veil.chunks.running", Tags.of("pipeline", p), new AtomicInteger()));
  }

  private Counter counter(String name, String description, String pipeline) {
    return Counter.builder(name)
        .description(description)
        .tag("pipeline", pipeline)
        .register(registry);
  }
}
