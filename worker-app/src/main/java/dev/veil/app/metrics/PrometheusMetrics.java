package dev.veil.app.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.util.Duration;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The agent's Prometheus registry: Veil's run meters ({@code RunMetrics}), the Temporal SDK's
 * meters and the JVM's, served on the admin port at {@code /metrics/prometheus} in the Prometheus
 * text format. It joins Micrometer's global registry, where the activities count.
 */
public final class PrometheusMetrics {

  /** Where the admin servlet answers. */
  public static final String PATH = "/metrics/prometheus";

  private static final PrometheusMeterRegistry REGISTRY = create();

  private PrometheusMetrics() {}

  private static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Metrics.addRegistry(registry);
    return registry;
  }

  /** The registry (one per JVM). */
  public static PrometheusMeterRegistry registry() {
    return REGISTRY;
  }

  /**
   * The Temporal SDK's metrics scope, reporting into the same registry (set on the service stubs,
   * so clients and workers built on them report through it).
   */
  public static Scope temporalScope() {
    return new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(REGISTRY))
        .reportEvery(Duration.ofSeconds(10));
  }

  /** The admin servlet of {@link #PATH}. */
  public static HttpServlet servlet() {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response)
          throws IOException {
        String contentType = request.getHeader("Accept");
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(
            contentType != null && contentType.contains("application/openmetrics-text")
                ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8");
        try (OutputStream out = response.getOutputStream()) {
          REGISTRY.scrape(out, response.getContentType());
        }
      }
    };
  }
}
