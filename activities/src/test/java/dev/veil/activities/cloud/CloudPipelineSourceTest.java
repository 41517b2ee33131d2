package dev.veil.activities.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.testing.FakeCloudApi;
import dev.veil.workflows.spec.PipelineSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link CloudPipelineSource} and {@link CloudApiClient} against the contract in a test server. */
class CloudPipelineSourceTest {

  static final String TOKEN = "t0k3n-s3cr3t";
  static final String SHOP =
      "{\"id\":\"shop\",\"schedule\":\"0 2 * * *\",\"source\":{\"connection\":\"prod\"},"
          + "\"target\":{\"connection\":\"twin\"}}";

  private FakeCloudApi api;
  private CloudPipelineSource source;

  @BeforeEach
  void start() throws Exception {
    api = new FakeCloudApi(TOKEN);
    source = new CloudPipelineSource(client(api.url(), TOKEN, 3));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  static CloudApiClient client(URI url, String token, int attempts) {
    return new CloudApiClient(
        new CloudApiClient.Settings(url, token, Duration.ofSeconds(5), attempts, Duration.ofMillis(10)));
  }

  @Test
  void listsPipelinesWithVersionsAndFetchesASpecWhoseVersionIsTheETag() {
    api.put("shop", SHOP, "v1");
    api.put("crm", SHOP.replace("shop", "crm"), "v7");

    assertEquals(
        List.of(new PipelineRef("crm", "v7"), new PipelineRef("shop", "v1")), source.list());
    assertEquals(List.of("crm", "shop"), source.ids());
    PipelineSpec spec = source.find("shop").orElseThrow();
    assertEquals("shop", spec.id());
    assertEquals("v1", spec.version());
    assertEquals("0 2 * * *", spec.schedule());
    assertEquals("Bearer " + TOKEN, api.received().get(0).headers().get("Authorization").get(0));
  }

  @Test
  void unchangedConfigIsNotDownloadedAgain() {
    api.put("shop", SHOP, "v1");
    PipelineSpec first = source.find("shop").orElseThrow();
    PipelineSpec second = source.find("shop").orElseThrow();

    assertEquals(1, api.bodiesSent(), "the second fetch got a 304");
    assertEquals(first, second);
    FakeCloudApi.Received last = api.received().get(api.received().size() - 1);
    assertEquals("\"v1\"", last.headers().get("If-none-match").get(0));

    api.put("shop", SHOP.replace("0 2", "0 3"), "v2");
    PipelineSpec changed = source.find("shop").orElseThrow();
    assertEquals("v2", changed.version());
    assertEquals("0 3 * * *", changed.schedule());
    assertEquals(2, api.bodiesSent());
  }

  @Test
  void removedConfigIsEmpty() {
    api.put("shop", SHOP, "v1");
    source.find("shop").orElseThrow();
    api.remove("shop");
    assertTrue(source.find("shop").isEmpty());
  }

  @Test
  void brokenConfigIsRejectedNamingTheField() {
    api.put("shop", SHOP.replace("\"0 2 * * *\"", "\"every day\""), "v1");
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> source.find("shop"));
    assertTrue(e.problems().get(0).startsWith("schedule:"), e.problems().toString());
  }

  @Test
  void serverErrorsAreRetriedWithBackoff() {
    api.put("shop", SHOP, "v1");
    api.failNext(2);
    assertEquals("v1", source.find("shop").orElseThrow().version());
    assertEquals(3, api.received().size(), "two 503s, then the answer");
  }

  @Test
  void wrongTokenFailsAtOnceWithoutRetryAndTheTokenIsNotInTheMessage() {
    CloudPipelineSource wrong = new CloudPipelineSource(client(api.url(), "nope", 5));
    CloudApiException e = assertThrows(CloudApiException.class, wrong::ids);
    assertEquals(401, e.status());
    assertEquals(1, api.received().size(), "no retry on 401");
    assertFalse(e.getMessage().contains("nope"));
    assertEquals("GET /v1/pipelines: HTTP 401", e.getMessage());
  }

  @Test
  void unreachableApiFailsAfterTheConfiguredAttempts() {
    URI url = api.url();
    api.close();
    CloudApiException e =
        assertThrows(CloudApiException.class, () -> client(url, TOKEN, 2).listPipelines());
    assertEquals(0, e.status());
    assertTrue(e.getMessage().endsWith("after 2 attempts"), e.getMessage());
  }
}
