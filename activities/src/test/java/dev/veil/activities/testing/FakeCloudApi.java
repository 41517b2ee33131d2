package dev.veil.activities.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cloud dashboard API of DESIGN §3, in the test, on a loopback port: pipelines with versions
 * (ETag / If-None-Match), and every POST (events, logs, heartbeats) recorded in order. It checks
 * the bearer token, and can fail the next requests with 503 or be stopped to play "API down".
 */
public final class FakeCloudApi implements AutoCloseable {

  /** One request as received. */
  public record Received(String method, String path, Map<String, List<String>> headers, String body) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private record Pipeline(String json, String version) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String token;
  private final HttpServer server;
  private final Map<String, Pipeline> pipelines = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger bodiesSent = new AtomicInteger();

  public FakeCloudApi(String token) throws IOException {
    this.token = token;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Adds or replaces a pipeline; its version (ETag) is the given one. */
  public void put(String id, String specJson, String version) {
    pipelines.put(id, new Pipeline(specJson, version));
  }

  public void remove(String id) {
    pipelines.remove(id);
  }

  /** The next {@code n} requests get 503. */
  public void failNext(int n) {
    failNext.set(n);
  }

  /** How many spec bodies were sent (200 answers of {@code GET /v1/pipelines/{id}}). */
  public int bodiesSent() {
    return bodiesSent.get();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The POSTs whose path ends with {@code suffix}, in arrival order. */
  public List<Received> posts(String suffix) {
    List<Received> list = new ArrayList<>();
    for (Received r : received) {
      if (r.method().equals("POST") && r.path().endsWith(suffix)) {
        list.add(r);
      }
    }
    return list;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      received.add(new Received(method, path, Map.copyOf(exchange.getRequestHeaders()), body));
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        send(exchange, 503, "{\"message\":\"try later\"}", null);
        return;
      }
      if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        send(exchange, 401, "{\"message\":\"bad token\"}", null);
        return;
      }
      if (method.equals("GET") && path.equals("/v1/pipelines")) {
        StringBuilder json = new StringBuilder("{\"pipelines\":[");
        String sep = "";
        for (Map.Entry<String, Pipeline> e : new java.util.TreeMap<>(pipelines).entrySet()) {
          json.append(sep).append("{\"id\":\"").append(e.getKey()).append("\",\"version\":\"")
              .append(e.getValue().version()).append("\"}");
          sep = ",";
        }
        send(exchange, 200, json.append("]}").toString(), null);
      } else if (method.equals("GET") && path.startsWith("/v1/pipelines/")) {
        Pipeline p = pipelines.get(path.substring("/v1/pipelines/".length()));
        if (p == null) {
          send(exchange, 404, "{\"message\":\"no such pipeline\"}", null);
          return;
        }
        String etag = "\"" + p.version() + "\"";
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
          exchange.getResponseHeaders().add("ETag", etag);
          exchange.sendResponseHeaders(304, -1);
          return;
        }
        bodiesSent.incrementAndGet();
        send(exchange, 200, p.json(), etag);
      } else if (method.equals("POST") && path.startsWith("/v1/")) {
        send(exchange, 202, "{}", null);
      } else {
        send(exchange, 404, "{\"message\":\"unknown\"}", null);
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String body, String etag)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    if (etag != null) {
      exchange.getResponseHeaders().add("ETag", etag);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
