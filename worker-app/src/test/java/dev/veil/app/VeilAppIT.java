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
