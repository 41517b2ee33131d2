package dev.veil.app;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.AbstractAppenderFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Safe defaults Dropwizard does not have, applied to whatever {@code server:} a configuration
 * gives (a user file may replace whole connector lists):
 *
 * <ul>
 *   <li>a connector without {@code bindHost} listens on loopback ({@value #LOOPBACK}), not on every
 *       interface; binding elsewhere takes an explicit {@code bindHost};
 *   <li>the request log says method, path and status only: no query string ({@code %U}, not
 *       {@code %r}), no referrer.
 * </ul>
 */
final class ServerHardening {

  static final String LOOPBACK = "127.0.0.1";

  /** logback-access: like Dropwizard's default, without the query string and the referrer. */
  static final String REQUEST_LOG_FORMAT =
      "%h %l %u [%t{dd/MMM/yyyy:HH:mm:ss Z,UTC}] \"%m %U %H\" %s %b \"%i{User-Agent}\" %D";

  private ServerHardening() {}

  /** Applies the defaults in place (idempotent). */
  static void apply(ServerFactory server) {
    for (ConnectorFactory connector : connectors(server, true)) {
      loopbackUnlessBound(connector);
    }
    for (ConnectorFactory connector : connectors(server, false)) {
      loopbackUnlessBound(connector);
    }
    if (server instanceof io.dropwizard.core.server.AbstractServerFactory factory
        && factory.getRequestLogFactory() instanceof LogbackAccessRequestLogFactory log) {
      log.getAppenders().forEach(
          appender -> {
            if (appender instanceof AbstractAppenderFactory<?> a
                && (a.getLogFormat() == null || a.getLogFormat().contains("%r")
                    || a.getLogFormat().contains("%requestURL")
                    || a.getLogFormat().contains("%q"))) {
              a.setLogFormat(REQUEST_LOG_FORMAT);
            }
          });
    }
  }

  /**
   * The non-loopback addresses the REST API listens on (empty if only loopback). An unresolvable
   * host counts as non-loopback.
   */
  static List<String> exposedApplicationHosts(ServerFactory server) {
    List<String> exposed = new ArrayList<>();
    for (ConnectorFactory connector : connectors(server, true)) {
      if (connector instanceof HttpConnectorFactory http && !isLoopback(http.getBindHost())) {
        exposed.add(http.getBindHost() == null ? "*" : http.getBindHost());
      }
    }
    return exposed;
  }

  static boolean isLoopback(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void loopbackUnlessBound(ConnectorFactory connector) {
    if (connector instanceof HttpConnectorFactory http
        && (http.getBindHost() == null || http.getBindHost().isBlank())) {
      http.setBindHost(LOOPBACK);
    }
  }

  private static List<ConnectorFactory> connectors(ServerFactory server, boolean application) {
    if (server instanceof DefaultServerFactory d) {
      List<ConnectorFactory> list =
          application ? d.getApplicationConnectors() : d.getAdminConnectors();
      return list == null ? List.of() : list;
    }
    if (server instanceof SimpleServerFactory s) {
      return application && s.getConnector() != null ? List.of(s.getConnector()) : List.of();
    }
    return List.of();
  }
}
