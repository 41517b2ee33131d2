package dev.veil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.app.api.RunRef;
import dev.veil.app.api.RunStatus;
import dev.veil.app.testing.Eventually;
import dev.veil.app.testing.TestStack;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an SRE sees of a run of the whole application: Prometheus metrics on the admin port with
 * Veil's names and a {@code pipeline} label, the Temporal SDK's metrics beside them, and JSON log
 * lines that carry the pipeline and run as fields.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ObservabilityIT {

  private static final String PIPELINE = "metered";
  private static final TestStack stack = new TestStack("veil_obs_it");
  private static final Path JSON_LOG = stack.directory.resolve("veil.json.log");

  static final DropwizardAppExtension<VeilConfiguration> app =
      new DropwizardAppExtension<VeilConfiguration>(VeilApplication.class, configFile())
          .addListener(
              new DropwizardAppExtension.ServiceListener<>() {
                @Override
                public void onStop(DropwizardAppExtension<VeilConfiguration> extension) {
                  stack.close();
                }
              });

  /** The test stack's configuration, with its own pipeline and a JSON log file. */
  private static String configFile() {
    try {
      Files.writeString(
          stack.pipelines.resolve(PIPELINE + ".yaml"),
          Files.readString(stack.pipelines.resolve("shop.yaml"))
              .replace("id: shop", "id: " + PIPELINE));
      String config =
          stack.config(0, 0)
              + """
                appenders:
                  - type: console
                  - type: file
                    currentLogFilename: %s
                    archive: false
                    layout:
                      type: json
                      flattenMdc: true
              """
                  .formatted(JSON_LOG);
      Path file = stack.directory.resolve("veil-observability.yml");
      Files.writeString(file, config);
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aRunShowsUpInPrometheusMetricsAndJsonLogsWithItsPipelineAndRun() throws Exception {
    Response started = api("/api/pipelines/" + PIPELINE + "/runs").post(Entity.json("{}"));
    assertEquals(202, started.getStatus());
    String runId = started.readEntity(RunRef.class).runId();
    RunStatus status =
        Eventually.await(
            () -> api("/api/runs/" + runId).get(RunStatus.class),
            RunStatus::finished,
            Duration.ofMinutes(2));
    assertEquals(RunStatus.Outcome.SUCCEEDED, status.outcome(), String.valueOf(status.error()));

    // the Temporal SDK reports into the registry every 10 s
    String metrics =
        Eventually.await(
            ObservabilityIT::scrape, text -> text.contains("\ntemporal_"), Duration.ofSeconds(60));
    String pipeline = "pipeline=\"" + PIPELINE + "\"";
    assertEquals(1.0, value(metrics, "veil_runs_started_total", pipeline), metrics);
    assertEquals(1.0, value(metrics, "veil_runs_succeeded_total", pipeline), metrics);
    assertEquals(
        TestStack.CUSTOMERS + TestStack.ORDERS,
        value(metrics, "veil_rows_copied_total", pipeline),
        metrics);
    assertTrue(value(metrics, "veil_bytes_copied_total", pipeline) > 0, metrics);
    assertEquals(0.0, value(metrics, "veil_chunks_running", pipeline), metrics);
    assertEquals(
        1.0,
        value(metrics, "veil_run_duration_seconds_count", "outcome=\"succeeded\"," + pipeline),
        metrics);

    // a task line of the run, as JSON with the pipeline and the run as fields of their own
    ObjectMapper json = new ObjectMapper();
    List<String> lines = Files.readAllLines(JSON_LOG);
    Optional<JsonNode> taskDone =
        lines.stream()
            .map(line -> parse(json, line))
            .filter(node -> node.path("message").asText().startsWith("task done"))
            .filter(node -> PIPELINE.equals(node.path("pipeline").asText()))
            .findFirst();
    assertTrue(taskDone.isPresent(), () -> String.join("\n", lines));
    assertEquals(runId, taskDone.get().path("run").asText(), taskDone.get().toString());
  }

  private static String scrape() {
    Response response =
        app.client()
            .target("http://127.0.0.1:" + app.getAdminPort() + "/metrics/prometheus")
            .request()
            .get();
    assertEquals(200, response.getStatus());
    assertTrue(
        response.getHeaderString("Content-Type").startsWith("text/plain"),
        response.getHeaderString("Content-Type"));
    return response.readEntity(String.class);
  }

  /** The value of {@code name{labels}} in the Prometheus text; fails when it is not there. */
  private static double value(String metrics, String name, String labels) {
    Matcher m =
        Pattern.compile(
                "(?m)^" + Pattern.quote(name + "{" + labels) + "[^}]*\\} ([0-9.eE+-]+)$")
            .matcher(metrics);
    assertTrue(m.find(), name + "{" + labels + "} missing");
    return Double.parseDouble(m.group(1));
  }

  private static JsonNode parse(ObjectMapper json, String line) {
    try {
      return json.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not a JSON log line: " + line, e);
    }
  }

  private static jakarta.ws.rs.client.Invocation.Builder api(String path) {
    return app.client().target("http://127.0.0.1:" + app.getLocalPort() + path).request();
  }
}
