package dev.veil.activities.cloud;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's client of the cloud dashboard API (DESIGN §3): bearer token, a timeout per request,
 * retries with exponential backoff on connection errors, 429 and 5xx, and {@code If-None-Match} so
 * an unchanged config costs a 304 and no body. Thread-safe. The token is never logged, and error
 * messages name the method, path and status only.
 *
 * <pre>
 * GET  /v1/pipelines                    {"pipelines":[{"id":"shop","version":"3f2a…"}]}
 * GET  /v1/pipelines/{id}               the spec as JSON; ETag = version; 304 on If-None-Match
 * POST /v1/runs/{runId}/events          one event (JSON object)
 * POST /v1/runs/{runId}/logs            {"pipelineId","task","lines":[…]} secrets scrubbed
 * POST /v1/runs/{runId}/report          the signed privacy report, bytes as signed
 * POST /v1/agents/{agentId}/heartbeat   {"agentId","version","healthy","pipelines",…}
 * POST /v1/agents/{agentId}/events      agent events, such as a config that fails validation
 * </pre>
 */
public final class CloudApiClient {

  private static final Logger log = LoggerFactory.getLogger(CloudApiClient.class);

  /**
   * How the client talks to the API.
   *
   * @param baseUrl for example {@code https://dashboard.example.com}
   * @param token bearer token; may be empty for a test server
   * @param timeout per request (connect and response)
   * @param maxAttempts attempts per request, at least 1
   * @param initialBackoff wait before the second attempt; doubled each time, at most 30 s
   */
  public record Settings(
      URI baseUrl, String token, Duration timeout, int maxAttempts, Duration initialBackoff) {
    public Settings {
      Objects.requireNonNull(baseUrl, "cloud.url");
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts: must be at least 1");
      }
    }

    @Override
    public String toString() {
      return "Settings[baseUrl=" + baseUrl + ", token=" + (token == null || token.isEmpty()
          ? "(none)" : "(hidden)") + ", timeout=" + timeout + ", maxAttempts=" + maxAttempts + "]";
    }
  }

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Settings settings;
  private final HttpClient http;
  private final ObjectMapper json = JsonMapper.builder().findAndAddModules().build();

  public CloudApiClient(Settings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public Settings settings() {
    return settings;
  }

  /** {@code GET /v1/pipelines}: every pipeline of this agent with its version. */
  public List<PipelineRef> listPipelines() {
    HttpResponse<byte[]> response = send("GET", "/v1/pipelines", null, null);
    requireOk(response, "GET /v1/pipelines");
    try {
      JsonNode root = json.readTree(response.body());
      List<PipelineRef> refs = new ArrayList<>();
      for (JsonNode node : root.path("pipelines")) {
        refs.add(json.treeToValue(node, PipelineRef.class));
      }
      return refs;
    } catch (IOException e) {
      throw new CloudApiException("GET /v1/pipelines: answer is not the expected JSON", 200, e);
    }
  }

  /**
   * {@code GET /v1/pipelines/{id}} with {@code If-None-Match: etag} when an ETag is given.
   *
   * @return 200 with a body, 304 without, or 404
   */
  public PipelineDocument fetchPipeline(String pipelineId, String etag) {
    String path = "/v1/pipelines/" + encode(pipelineId);
    HttpResponse<byte[]> response = send("GET", path, null, etag);
    int status = response.statusCode();
    String newEtag = response.headers().firstValue("ETag").map(CloudApiClient::unquote).orElse(null);
    if (status == 304) {
      return new PipelineDocument(304, newEtag != null ? newEtag : etag, null);
    }
    if (status == 404) {
      return new PipelineDocument(404, null, null);
    }
    requireOk(response, "GET " + path);
    return new PipelineDocument(200, newEtag, response.body());
  }

  /** {@code POST /v1/runs/{runId}/events}. */
  public void postEvent(String runId, Object event) {
    post("/v1/runs/" + encode(runId) + "/events", event);
  }

  /**
   * {@code POST /v1/runs/{runId}/report}: the signed privacy report, its bytes exactly as signed
   * (re-serialising it could change a byte and break the signature).
   */
  public void postReport(String runId, byte[] reportJson) {
    String path = "/v1/runs/" + encode(runId) + "/report";
    requireOk(send("POST", path, reportJson, null), "POST " + path);
  }

  /** {@code POST /v1/runs/{runId}/logs}. */
  public void postLogs(String runId, Object logs) {
    post("/v1/runs/" + encode(runId) + "/logs", logs);
  }

  /** {@code POST /v1/agents/{agentId}/heartbeat}. */
  public void heartbeat(String agentId, Object heartbeat) {
    post("/v1/agents/" + encode(agentId) + "/heartbeat", heartbeat);
  }

  /** {@code POST /v1/agents/{agentId}/events}: events that belong to no run. */
  public void postAgentEvent(String agentId, Object event) {
    post("/v1/agents/" + encode(agentId) + "/events", event);
  }

  private void post(String path, Object body) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + body.getClass().getSimpleName(), e);
    }
    requireOk(send("POST", path, bytes, null), "POST " + path);
  }

  private static void requireOk(HttpResponse<byte[]> response, String what) {
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw new CloudApiException(what + ": HTTP " + status, status, null);
    }
  }

  /** Sends with retries on connection errors, 429 and 5xx; other answers are returned as they are. */
  private HttpResponse<byte[]> send(String method, String path, byte[] body, String etag) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(settings.baseUrl().resolve(path))
            .timeout(settings.timeout())
            .header("Accept", "application/json");
    if (settings.token() != null && !settings.token().isEmpty()) {
      builder.header("Authorization", "Bearer " + settings.token());
    }
    if (etag != null) {
      builder.header("If-None-Match", "\"" + etag + "\"");
    }
    if (body != null) {
      builder.header("Content-Type", "application/json");
      builder.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpRequest request = builder.build();
    Duration backoff = settings.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      String problem;
      int status = 0;
      Exception cause = null;
      try {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        status = response.statusCode();
        if (status != 429 && status < 500) {
          return response;
        }
        problem = "HTTP " + status;
      } catch (IOException e) {
        problem = e.getClass().getSimpleName();
        cause = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CloudApiException(method + " " + path + ": interrupted", 0, e);
      }
      if (attempt >= settings.maxAttempts()) {
        throw new CloudApiException(
            method + " " + path + ": " + problem + " after " + attempt + " attempts", status, cause);
      }
      log.debug("cloud API {} {}: {}, retrying in {} ms", method, path, problem, backoff.toMillis());
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CloudApiException(method + " " + path + ": interrupted", 0, e);
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String unquote(String etag) {
    String e = etag.startsWith("W/") ? etag.substring(2) : etag;
    return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
  }
}
