package dev.veil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.veil.app.testing.Eventually;
import dev.veil.app.testing.TestStack;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The agent as {@code veil server} runs it, with a configuration that gives the admin connector
 * only a port (as a user file that replaces the defaults does): the admin port stays on loopback,
 * the log-level task is off, no credential is logged even at DEBUG, health output names
 * connections and not URLs, and the request log has no query strings.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AdminHardeningIT {

  private static final String TOKEN = "admin-hardening-token-5f2c9a";
  private static final String QUERY_CANARY = "querycanary7731";
  private static final TestStack stack = new TestStack("veil_admin_it");
  private static final Path requestLog = stack.directory.resolve("requests.log");

  static final DropwizardAppExtension<VeilConfiguration> app =
      new DropwizardAppExtension<VeilConfiguration>(VeilApplication.class, config())
          .addListener(
              new DropwizardAppExtension.ServiceListener<>() {
                @Override
                public void onStop(DropwizardAppExtension<VeilConfiguration> extension) {
                  stack.close();
                }
              });

  private static String config() {
    String text = stack.config(0, 0);
    int server = text.indexOf("server:\n");
    int logging = text.indexOf("logging:\n");
    String replaced =
        text.substring(0, server)
            + """
            api:
              token: %s
            server:
              applicationConnectors:
                - type: http
                  bindHost: 127.0.0.1
                  port: 0
              adminConnectors:
                - type: http
                  port: 0
              requestLog:
                appenders:
                  - type: file
                    currentLogFilename: %s
                    archive: false
            """
                .formatted(TOKEN, requestLog)
            + text.substring(logging);
    try {
      Path file = stack.directory.resolve("veil-admin.yml");
      Files.writeString(file, replaced);
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static NetworkConnector connector(int port) {
    for (Connector c : app.getEnvironment().getApplicationContext().getServer().getConnectors()) {
      if (c instanceof NetworkConnector n && n.getLocalPort() == port) {
        return n;
      }
    }
    throw new AssertionError("no connector on port " + port);
  }

  @Test
  void anAdminConnectorGivenOnlyAPortListensOnLoopbackOnly() throws IOException {
    assertEquals("127.0.0.1", connector(app.getAdminPort()).getHost());
    Optional<InetAddress> external = nonLoopbackAddress();
    if (external.isPresent()) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(external.get(), app.getAdminPort()), 2000);
        throw new AssertionError("admin port reachable on " + external.get());
      } catch (IOException refused) {
        // expected: nothing listens there
      }
    }
  }

  @Test
  void theLogLevelTaskIsOffByDefault() {
    Level before = root().getLevel();
    Response response =
        app.client()
            .target("http://127.0.0.1:" + app.getAdminPort() + "/tasks/log-level")
            .queryParam("logger", "ROOT")
            .queryParam("level", "DEBUG")
            .request()
            .post(Entity.text(""));
    assertEquals(404, response.getStatus());
    assertEquals(before, root().getLevel());
  }

  @Test
  void neitherTheTokenNorTheAuthorizationHeaderIsLoggedEvenAtDebug() {
    Logger root = root();
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.setContext(root.getLoggerContext());
    events.start();
    root.addAppender(events);
    // what the log-level task did in the probe: everything at DEBUG
    List<Logger> all = new ArrayList<>(root.getLoggerContext().getLoggerList());
    List<Level> levels = new ArrayList<>();
    all.forEach(l -> levels.add(l.getLevel()));
    all.forEach(l -> l.setLevel(Level.DEBUG));
    try {
      for (int i = 0; i < 3; i++) {
        Response ok =
            app.client()
                .target("http://127.0.0.1:" + app.getLocalPort() + "/api/pipelines")
                .request()
                .header("Authorization", "Bearer " + TOKEN)
                .get();
        assertEquals(200, ok.getStatus());
      }
      org.slf4j.Logger veil = LoggerFactory.getLogger("dev.veil.test.Probe");
      veil.debug("debug logging is on");
      veil.debug("calling with {}", "Authorization: Bearer " + TOKEN);
    } finally {
      for (int i = 0; i < all.size(); i++) {
        all.get(i).setLevel(levels.get(i));
      }
      root.setLevel(before);
      root.detachAppender(events);
    }
    assertTrue(
        events.list.stream().anyMatch(e -> e.getFormattedMessage().equals("debug logging is on")),
        "DEBUG logging produced nothing: the test would prove nothing");
    List<String> leaks = new ArrayList<>();
    for (ILoggingEvent event : events.list) {
      String text = event.getFormattedMessage()
          + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
      if (text.contains(TOKEN) || text.toLowerCase().contains("authorization: bearer")) {
        leaks.add(event.getLoggerName() + ": " + text);
      }
    }
    assertEquals(List.of(), leaks);
  }

  @Test
  void healthOutputNamesConnectionsNotUrlsOrHosts() {
    String text =
        app.client()
            .target("http://127.0.0.1:" + app.getAdminPort() + "/healthcheck")
            .request()
            .get()
            .readEntity(String.class);
    assertTrue(text.contains("connection test-source"), text);
    assertTrue(text.contains("connection unreachable"), text);
    assertFalse(text.contains("jdbc:"), text);
    assertFalse(text.contains(":5432"), text);
    assertFalse(text.contains(stack.temporal.address()), text);
  }

  @Test
  void theRequestLogHasPathsButNoQueryStrings() throws IOException {
    app.client()
        .target("http://127.0.0.1:" + app.getLocalPort() + "/api/pipelines")
        .queryParam("access_token", QUERY_CANARY)
        .request()
        .get();
    String log =
        Eventually.await(
            AdminHardeningIT::readRequestLog,
            text -> text.contains("/api/pipelines"),
            Duration.ofSeconds(20));
    assertFalse(log.contains(QUERY_CANARY), log);
  }

  private static String readRequestLog() {
    try {
      return Files.exists(requestLog) ? Files.readString(requestLog) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Logger root() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
