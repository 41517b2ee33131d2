package dev.veil.app.core;

import dev.veil.activities.cloud.CloudApiClient;
import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of the cloud API outside runs: a heartbeat every {@code interval} ({@code POST
 * /v1/agents/{agentId}/heartbeat} with agent id, version, health and pipeline count) and config
 * problems as agent events ({@code POST /v1/agents/{agentId}/events}). Both are best effort: a
 * failure is logged as a warning (without the token) and dropped.
 */
public final class CloudAgent implements Managed, ConfigProblemReporter {

  private static final Logger log = LoggerFactory.getLogger(CloudAgent.class);

  private final CloudApiClient client;
  private final String agentId;
  private final Duration interval;
  private final BooleanSupplier healthy;
  private final IntSupplier pipelineCount;
  private ScheduledExecutorService timer;

  public CloudAgent(
      CloudApiClient client,
      String agentId,
      Duration interval,
      BooleanSupplier healthy,
      IntSupplier pipelineCount) {
    this.client = client;
    this.agentId = agentId;
    this.interval = interval;
    this.healthy = healthy;
    this.pipelineCount = pipelineCount;
  }

  /** The agent's version: the jar's implementation version, or {@code dev}. */
  public static String agentVersion() {
    String v = CloudAgent.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Posts one heartbeat; returns whether it was accepted. */
  public boolean heartbeat() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("agentId", agentId);
    body.put("version", agentVersion());
    body.put("healthy", safeHealthy());
    body.put("pipelines", pipelineCount.getAsInt());
    body.put("at", Instant.now().toString());
    try {
      client.heartbeat(agentId, body);
      return true;
    } catch (RuntimeException e) {
      log.warn("heartbeat to the cloud API dropped: {}", e.getMessage());
      return false;
    }
  }

  private boolean safeHealthy() {
    try {
      return healthy.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void configInvalid(String pipelineId, List<String> problems) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "CONFIG_INVALID");
    body.put("pipelineId", pipelineId);
    body.put("problems", problems);
    body.put("at", Instant.now().toString());
    try {
      client.postAgentEvent(agentId, body);
    } catch (RuntimeException e) {
      log.warn("config problem of pipeline {} not reported: {}", pipelineId, e.getMessage());
    }
  }

  @Override
  public void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "veil-heartbeat");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        this::heartbeat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
