package dev.veil.app.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.cloud.RecentLogs;
import dev.veil.activities.scrub.Scrubber;
import dev.veil.app.core.PipelineControl;
import dev.veil.app.core.PipelineReconciler;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.RunCanceller;
import dev.veil.app.core.RunStatusReader;
import dev.veil.app.testing.FakePipelineSource;
import dev.veil.app.testing.InProcessTemporal;
import io.dropwizard.testing.junit5.DropwizardClientExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API guard on a real Jetty, spoken to over a raw socket so that no client normalises the
 * path: every endpoint under every path variant an attacker tried ({@code ;x}, {@code %2F}, {@code
 * //}, a trailing {@code /}, upper case, {@code ..}, the token in the query string) is never 2xx
 * without the header; mutating calls take only JSON; bodies are capped.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ApiGuardIT {

  private static final String TOKEN = "guard-test-token-0123456789";

  private static final InProcessTemporal temporal =
      new InProcessTemporal(new FakePipelineSource().with("shop"));
  private static final RunStatusReader reader = new RunStatusReader(temporal.clients);
  private static final PipelineReconciler reconciler =
      new PipelineReconciler(
          temporal.clients.client(), temporal.pipelines, (id, p) -> {}, Duration.ofMinutes(1));

  static final DropwizardClientExtension app =
      new DropwizardClientExtension(
          new ApiTokenFilter(TOKEN),
          new DashboardPageResource(),
          new PipelinesResource(
              temporal.pipelines,
              new PipelineRunStarter(temporal.clients.client(), temporal.pipelines)),
          new RunsResource(reader, new RunCanceller(temporal.clients.client(), reader)),
          new PipelineControlResource(
              new PipelineControl(temporal.clients.client(), temporal.pipelines),
              reconciler,
              new RecentLogs(100),
              new Scrubber()));

  /** Where the extension mounts Jersey ({@code /application}); the probe paths follow it. */
  private static String root() {
    String path = app.baseUri().getPath();
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static final java.util.function.Supplier<String> ROOT_PATH = ApiGuardIT::root;

  /** Every endpoint: method and path. */
  private static final List<String[]> ENDPOINTS =
      List.of(
          new String[] {"GET", "/api/pipelines"},
          new String[] {"POST", "/api/pipelines/shop/runs"},
          new String[] {"GET", "/api/runs/veil-run-shop-1"},
          new String[] {"POST", "/api/runs/veil-run-shop-1/cancel"},
          new String[] {"GET", "/api/dashboard/runs/veil-run-shop-1/logs"},
          new String[] {"GET", "/api/dashboard/pipelines"},
          new String[] {"GET", "/api/dashboard/pipelines/shop"},
          new String[] {"GET", "/api/dashboard/pipelines/shop/runs"},
          new String[] {"POST", "/api/dashboard/pipelines/shop/run-now"},
          new String[] {"POST", "/api/dashboard/pipelines/shop/cancel-run"},
          new String[] {"POST", "/api/dashboard/pipelines/shop/pause"},
          new String[] {"POST", "/api/dashboard/pipelines/shop/resume"},
          new String[] {"POST", "/api/dashboard/reconcile"});

  @BeforeAll
  static void startThePipelineWorkflows() {
    reconciler.reconcile();
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  /** The path variants of the probe, for one path. */
  static Set<String> variants(String path) {
    Set<String> out = new LinkedHashSet<>();
    String[] segments = path.substring(1).split("/");
    for (int i = 0; i < segments.length; i++) {
      out.add(join(segments, i, segments[i] + ";x"));
      out.add(join(segments, i, segments[i] + ";"));
      out.add(join(segments, i, segments[i].toUpperCase(java.util.Locale.ROOT)));
      out.add(join(segments, i, segments[i] + "/"));
      out.add(join(segments, i, "/" + segments[i]));
      if (i > 0) {
        out.add(join(segments, i, "x/../" + segments[i]));
        out.add(join(segments, i, "%2e%2e/" + segments[i - 1] + "/" + segments[i]));
      }
    }
    out.add(path.replace("/", "%2F").replaceFirst("%2F", "/"));
    out.add(path.replaceFirst("/api/", "/api%2F"));
    out.add("/" + path);
    out.add(path + "/");
    out.add(path.toUpperCase(java.util.Locale.ROOT));
    out.add("/x/.." + path);
    out.add("/./" + path.substring(1));
    out.add(path + "?access_token=" + TOKEN);
    out.add(path + "?token=" + TOKEN);
    out.add(path + ";access_token=" + TOKEN);
    out.add(path + "?Authorization=Bearer%20" + TOKEN);
    return out;
  }

  private static String join(String[] segments, int index, String replacement) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      b.append('/').append(i == index ? replacement : segments[i]);
    }
    return b.toString();
  }

  @Test
  void noEndpointUnderAnyPathVariantAnswers2xxWithoutTheBearerHeader() throws IOException {
    List<String> leaks = new ArrayList<>();
    int requests = 0;
    int unauthorized = 0;
    for (String[] endpoint : ENDPOINTS) {
      for (String path : variants(endpoint[1])) {
        Reply reply = send(endpoint[0], path, "application/json", "{}", null);
        requests++;
        if (reply.status >= 200 && reply.status < 300) {
          leaks.add(endpoint[0] + " " + path + " -> " + reply.status);
        }
        if (reply.status == 401) {
          unauthorized++;
        }
      }
    }
    assertTrue(leaks.isEmpty(), "answered without a token: " + leaks);
    // the variants do reach the resources (Jersey routes ;x, //, trailing / …): 401, not 404
    assertTrue(unauthorized > requests / 3, unauthorized + " of " + requests + " were 401");
  }

  @Test
  void theMatrixParameterVariantReachesTheResourceAndNeedsTheToken() throws IOException {
    assertEquals(401, send("GET", "/api;x/pipelines", null, null, null).status);
    assertEquals(401, send("POST", "/api;x/pipelines/shop/runs", "application/json", "{}", null)
        .status);
    Reply authed = send("GET", "/api;x/pipelines", null, null, TOKEN);
    assertEquals(200, authed.status, authed.body);
    assertTrue(authed.body.contains("shop"), authed.body);
  }

  @Test
  void theTokenIsAcceptedOnlyInTheAuthorizationHeader() throws IOException {
    assertEquals(200, send("GET", "/api/pipelines", null, null, TOKEN).status);
    assertEquals(401, send("GET", "/api/pipelines?access_token=" + TOKEN, null, null, null).status);
    Reply wrong = send("GET", "/api/pipelines", null, null, TOKEN + "x");
    assertEquals(401, wrong.status);
    assertTrue(wrong.body.contains("\"code\":401"), wrong.body);
  }

  @Test
  void theDashboardPageIsPublicAndStatic() throws IOException {
    Reply page = send("GET", "/", null, null, null);
    assertEquals(200, page.status);
    assertTrue(page.body.contains("<html"), page.body.substring(0, 100));
  }

  @Test
  void mutatingCallsTakeOnlyJsonSoAFormFromAnotherPageCannotPostThem() throws IOException {
    for (String[] endpoint : ENDPOINTS) {
      if (!endpoint[0].equals("POST")) {
        continue;
      }
      for (String type :
          new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
        Reply reply = send("POST", endpoint[1], type, "{}", TOKEN);
        assertEquals(415, reply.status, type + " " + endpoint[1] + ": " + reply.body);
        assertTrue(reply.body.contains("\"code\":415"), reply.body);
      }
      assertEquals(415, send("POST", endpoint[1], null, null, TOKEN).status, endpoint[1]);
    }
    // JSON clients with an empty body (the CLI, curl -H 'Content-Type: application/json')
    assertEquals(202, send("POST", "/api/dashboard/pipelines/shop/pause", "application/json", "",
        TOKEN).status);
    assertEquals(202, send("POST", "/api/dashboard/pipelines/shop/resume",
        "application/json; charset=utf-8", "{}", TOKEN).status);
  }

  @Test
  void aBodyOverOneMegabyteIs413WithAJsonErrorAndNothingHappens() throws IOException {
    String huge = "{\"reason\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
    Reply sized = send("POST", "/api/dashboard/pipelines/shop/cancel-run", "application/json",
        huge, TOKEN);
    assertEquals(413, sized.status, sized.body);
    assertTrue(sized.body.contains("\"code\":413"), sized.body);
    Reply chunked = sendChunked("/api/dashboard/pipelines/shop/cancel-run", huge, TOKEN);
    assertEquals(413, chunked.status, chunked.body);
    assertTrue(chunked.body.contains("\"code\":413"), chunked.body);
  }

  @Test
  void aCancelReasonLongerThan500CharactersIsRefusedNamingTheField() throws IOException {
    String body = "{\"reason\":\"" + "x".repeat(501) + "\"}";
    for (String path :
        new String[] {"/api/runs/veil-run-shop-1/cancel", "/api/dashboard/pipelines/shop/cancel-run"}) {
      Reply reply = send("POST", path, "application/json", body, TOKEN);
      assertEquals(422, reply.status, reply.body);
      assertTrue(reply.body.contains("reason"), reply.body);
      assertFalse(reply.body.contains("xxxxxxxx"), "the value is not echoed: " + reply.body);
    }
  }

  record Reply(int status, String body) {}

  private static Reply send(String method, String path, String type, String body, String token)
      throws IOException {
    byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(ROOT_PATH.get()).append(path).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1\r\nConnection: close\r\n");
    if (type != null) {
      head.append("Content-Type: ").append(type).append("\r\n");
    }
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (body != null || method.equals("POST")) {
      head.append("Content-Length: ").append(payload.length).append("\r\n");
    }
    head.append("\r\n");
    return exchange(head.toString().getBytes(StandardCharsets.US_ASCII), payload);
  }

  private static Reply sendChunked(String path, String body, String token) throws IOException {
    String head =
        "POST " + ROOT_PATH.get() + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + "Content-Type: application/json\r\nAuthorization: Bearer " + token + "\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";
    byte[] data = body.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    for (int offset = 0; offset < data.length; offset += 65536) {
      int n = Math.min(65536, data.length - offset);
      chunks.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      chunks.write(data, offset, n);
      chunks.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    chunks.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return exchange(head.getBytes(StandardCharsets.US_ASCII), chunks.toByteArray());
  }

  private static Reply exchange(byte[] head, byte[] payload) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", app.baseUri().getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head);
      try {
        out.write(payload);
        out.flush();
      } catch (IOException closedEarly) {
        // the server may answer (413) and close before reading the whole body
      }
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      int split = response.indexOf("\r\n\r\n");
      return new Reply(status, split < 0 ? "" : response.substring(split + 4));
    }
  }
}
