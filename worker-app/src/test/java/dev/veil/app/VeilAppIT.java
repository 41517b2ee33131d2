package dev.veil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.app.api.PipelineList;
import dev.veil.app.api.RunRef;
import dev.veil.app.api.RunStatus;
import dev.veil.app.testing.Eventually;
import dev.veil.app.testing.TestStack;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole application as {@code veil server} runs it (HTTP on free ports), against a port-bound
 * Temporal dev server and real PostgreSQL databases.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class VeilAppIT {

  private static final TestStack stack = new TestStack("veil_app_it");

  static final DropwizardAppExtension<VeilConfiguration> app =
      new DropwizardAppExtension<VeilConfiguration>(VeilApplication.class, stack.config.toString())
          .addListener(
              new DropwizardAppExtension.ServiceListener<>() {
                @Override
                public void onStop(DropwizardAppExtension<VeilConfiguration> extension) {
                  stack.close();
                }
              });

  @Test
  void healthChecksCoverTemporalAndEveryConnectionWithoutShowingPasswords() {
    Response response =
        app.client()
            .target("http://127.0.0.1:" + app.getAdminPort() + "/healthcheck")
            .request()
            .get();
    String text = response.readEntity(String.class);
    assertFalse(text.contains("s3cret-password-never-shown"), text);
    JsonNode health = readTree(text);
    assertTrue(health.get("temporal").get("healthy").asBoolean(), text);
    assertTrue(health.get("postgres:test-source").get("healthy").asBoolean(), text);
    assertTrue(health.get("postgres:test-target").get("healthy").asBoolean(), text);
    JsonNode unreachable = health.get("postgres:unreachable");
    assertFalse(unreachable.get("healthy").asBoolean(), text);
    assertTrue(unreachable.get("message").asText().contains("unreachable"), text);
  }

  @Test
  void listsThePipelinesOfTheFolder() {
    assertEquals(
        List.of("broken", "shop"), api("/api/pipelines").get(PipelineList.class).pipelines());
  }

  @Test
  void anInvalidPipelineIsRefusedWithItsProblems() {
    Response response = api("/api/pipelines/broken/runs").post(Entity.json("{}"));
    assertEquals(400, response.getStatus());
    JsonNode body = response.readEntity(JsonNode.class);
    assertEquals(400, body.get("code").asInt());
    assertTrue(body.get("problems").toString().contains("no_such_rule"), body.toString());
  }

  @Test
  void anUnknownRunIs404() {
    Response response = api("/api/runs/veil-run-none-1").get();
    assertEquals(404, response.getStatus());
    assertEquals(404, response.readEntity(JsonNode.class).get("code").asInt());
  }

  /** Needs the real activities (planner, target, copy engine) from main. */
  @Test
  void aRunStartedOverHttpCopiesThePipelineWithItsPiiReplaced() throws Exception {
    Response started = api("/api/pipelines/shop/runs").post(Entity.json("{}"));
    assertEquals(202, started.getStatus());
    String runId = started.readEntity(RunRef.class).runId();

    RunStatus status =
        Eventually.await(
            () -> api("/api/runs/" + runId).get(RunStatus.class),
            RunStatus::finished,
            Duration.ofMinutes(2));

    assertEquals(RunStatus.Outcome.SUCCEEDED, status.outcome(), String.valueOf(status.error()));
    assertEquals(TestStack.CUSTOMERS + TestStack.ORDERS, status.rowsDone());
    try (Connection c = TestPostgres.connect(stack.target);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), count(*) FILTER (WHERE first_name = 'Jane'),"
                    + " count(*) FILTER (WHERE email LIKE '%@example.com'),"
                    + " count(street) FROM public.customers")) {
      rs.next();
      assertEquals(TestStack.CUSTOMERS, rs.getLong(1));
      assertEquals(TestStack.CUSTOMERS, rs.getLong(2));
      assertEquals(TestStack.CUSTOMERS, rs.getLong(3));
      assertEquals(0, rs.getLong(4));
    }
  }

  /**
   * #16: a row value that makes the server fail (a cast in a filter, which EXPLAIN at plan time
   * cannot catch) reaches none of Temporal's history, the agent's logs, the REST API or the CLI.
   * The canary sits in the only row of the table; the user still sees what failed.
   */
  @Test
  void aRowValueInAServerErrorReachesNoHistoryLogRestOrCli() throws Exception {
    String canary = "canary.row@planted-" + ProcessHandle.current().pid() + ".example";
    try (Connection c = TestPostgres.connect(stack.source);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS canary");
      s.execute("CREATE TABLE canary.notes (id int PRIMARY KEY, note text)");
      s.execute("INSERT INTO canary.notes VALUES (1, '" + canary + "')");
    }
    java.nio.file.Files.writeString(stack.pipelines.resolve("leaky.yaml"), String.join("\n",
        "id: leaky",
        "source: {connection: test-source, schemas: [canary]}",
        "target: {connection: test-target}",
        "tables:",
        "  options:",
        "    canary.notes: {where: \"note::int > 0\"}",
        "rules:",
        "  canary.notes.note: {rule: email}",
        ""));
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try {
      Response started = api("/api/pipelines/leaky/runs").post(Entity.json("{}"));
      String body = started.readEntity(String.class);
      assertEquals(202, started.getStatus(), body);
      String runId = readTree(body).get("runId").asText();
      RunStatus status =
          Eventually.await(
              () -> api("/api/runs/" + runId).get(RunStatus.class),
              RunStatus::finished,
              Duration.ofMinutes(2));
      assertEquals(RunStatus.Outcome.FAILED, status.outcome());
      String rest = api("/api/runs/" + runId).get(String.class);
      assertTrue(status.error() != null && status.error().contains("22P02"),
          "the user still sees what failed: " + status.error());
      assertFalse(rest.contains(canary), rest);

      io.temporal.serviceclient.WorkflowServiceStubs service =
          io.temporal.serviceclient.WorkflowServiceStubs.newServiceStubs(
              io.temporal.serviceclient.WorkflowServiceStubsOptions.newBuilder()
                  .setTarget(stack.temporal.address()).build());
      try {
        String history = io.temporal.client.WorkflowClient.newInstance(service)
            .fetchHistory(runId).toJson(false);
        assertTrue(history.contains("22P02"), "the history holds the failure");
        assertFalse(history.contains(canary), "Temporal history holds the canary");
      } finally {
        service.shutdown();
      }

      dev.veil.app.testing.CliRunner.Result cli = dev.veil.app.testing.CliRunner.run(
          "status", runId, "--json", "-c", stack.config.toString());
      assertEquals(1, cli.code(), cli.toString());
      assertFalse(cli.out().contains(canary) || cli.err().contains(canary), cli.toString());

      StringBuilder logged = new StringBuilder();
      for (ch.qos.logback.classic.spi.ILoggingEvent e : List.copyOf(logs.list)) {
        logged.append(e.getFormattedMessage()).append('\n');
        for (ch.qos.logback.classic.spi.IThrowableProxy t = e.getThrowableProxy(); t != null;
            t = t.getCause()) {
          logged.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
        }
      }
      assertTrue(logged.indexOf(runId) >= 0, "the agent logged the run");
      assertFalse(logged.indexOf(canary) >= 0, "a log line holds the canary:\n" + logged);
    } finally {
      root.detachAppender(logs);
      java.nio.file.Files.deleteIfExists(stack.pipelines.resolve("leaky.yaml"));
      try (Connection c = TestPostgres.connect(stack.source);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA canary CASCADE");
      }
    }
  }

  private static jakarta.ws.rs.client.Invocation.Builder api(String path) {
    return app.client().target("http://127.0.0.1:" + app.getLocalPort() + path).request();
  }

  private static JsonNode readTree(String text) {
    try {
      return app.getObjectMapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError(text, e);
    }
  }
}
