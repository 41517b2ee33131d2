package dev.veil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.AbstractAppenderFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user {@code veil.yml} layers over the built-in defaults (issue 11.3): loopback binding and the
 * {@code VEIL_*} variables keep working unless the file overrides them, and the API refuses to
 * listen beyond loopback without a token.
 */
class ConfigurationLayeringTest {

  private final YamlConfigurationFactory<VeilConfiguration> factory =
      new YamlConfigurationFactory<>(
          VeilConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

  @TempDir Path dir;

  private VeilConfiguration load(String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("veil.yml");
    Files.writeString(file, yaml);
    return factory.build(new VeilConfigurationSourceProvider(env::get), file.toString());
  }

  private static HttpConnectorFactory application(VeilConfiguration config) {
    return (HttpConnectorFactory)
        ((DefaultServerFactory) config.getServerFactory()).getApplicationConnectors().get(0);
  }

  private static HttpConnectorFactory admin(VeilConfiguration config) {
    return (HttpConnectorFactory)
        ((DefaultServerFactory) config.getServerFactory()).getAdminConnectors().get(0);
  }

  /** The shape of the README's example: Temporal, connections, masking; no server section. */
  static final String README_EXAMPLE =
      """
      temporal:
        address: temporal.internal:7233
      connections:
        prod:
          url: jdbc:postgresql://db.internal:5432/shop
          user: veil_reader
          password: ${PROD_PASSWORD:-}
      masking:
        key: ${VEIL_MASKING_KEY:-}
      """;

  @Test
  void theReadmeExampleKeepsLoopbackAndTheEnvironmentVariables() throws Exception {
    VeilConfiguration config =
        load(README_EXAMPLE, Map.of("VEIL_API_TOKEN", "tok-from-env-123", "VEIL_HTTP_PORT", "9180",
            "VEIL_ADMIN_PORT", "9181", "PROD_PASSWORD", "pw"));
    assertEquals("tok-from-env-123", config.getApi().getToken());
    assertEquals("127.0.0.1", application(config).getBindHost());
    assertEquals(9180, application(config).getPort());
    assertEquals("127.0.0.1", admin(config).getBindHost());
    assertEquals(9181, admin(config).getPort());
    assertEquals("temporal.internal:7233", config.getTemporal().getAddress());
    assertEquals("default", config.getTemporal().getNamespace(), "defaults fill the rest");
    assertEquals(List.of("prod"), List.copyOf(config.getConnections().keySet()),
        "a file's connections replace the demo connections");
    assertEquals("pw", config.getConnections().get("prod").getPassword());
  }

  @Test
  void aFileThatGivesOnlyAPortStillListensOnLoopback() throws Exception {
    VeilConfiguration config =
        load("""
            server:
              applicationConnectors:
                - type: http
                  port: 9280
              adminConnectors:
                - type: http
                  port: 9281
            """, Map.of());
    assertEquals("127.0.0.1", application(config).getBindHost());
    assertEquals("127.0.0.1", admin(config).getBindHost());
    assertEquals(9281, admin(config).getPort());
  }

  @Test
  void aFileOverridesWhatItSetsExplicitly() throws Exception {
    VeilConfiguration config =
        load("api:\n  token: file-token-456\n", Map.of("VEIL_API_TOKEN", "env-token"));
    assertEquals("file-token-456", config.getApi().getToken());
  }

  @Test
  void theApiRefusesANonLoopbackBindWithoutAToken() throws Exception {
    String exposed = """
        server:
          applicationConnectors:
            - type: http
              bindHost: 0.0.0.0
              port: 9380
        """;
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> load(exposed, Map.of()).apiGuard());
    assertTrue(refused.getMessage().startsWith("api.token:"), refused.getMessage());
    assertTrue(refused.getMessage().contains("0.0.0.0"), refused.getMessage());
    // a token, or a proxy that authenticates, makes it acceptable
    load(exposed, Map.of("VEIL_API_TOKEN", "tok-0123456789")).apiGuard();
    load(exposed, Map.of("VEIL_API_PROTECTED_ELSEWHERE", "true")).apiGuard();
    load(exposed.replace("0.0.0.0", "127.0.0.1"), Map.of()).apiGuard();
  }

  @Test
  void theRequestLogNeverHasQueryStringsEvenWhenAFileRedefinesIt() throws Exception {
    VeilConfiguration config =
        load("""
            server:
              requestLog:
                appenders:
                  - type: console
            """, Map.of());
    var log =
        (LogbackAccessRequestLogFactory)
            ((DefaultServerFactory) config.getServerFactory()).getRequestLogFactory();
    String format = ((AbstractAppenderFactory<?>) log.getAppenders().get(0)).getLogFormat();
    assertTrue(format.contains("%U") && !format.contains("%r"), format);
  }
}
