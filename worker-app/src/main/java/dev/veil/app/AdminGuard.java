package dev.veil.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * What the admin port and logging must not give away.
 *
 * <ul>
 *   <li>{@code POST /tasks/log-level} answers 404 unless {@code runtimeLogLevelChanges: true}.
 *   <li>Whatever the log level (configured, or changed at run time), the HTTP and RPC libraries
 *       never log at DEBUG or TRACE (that is where Jetty prints request headers, {@code
 *       Authorization} included), and no event that carries a bearer token or an {@code
 *       Authorization} header is logged at all ({@link #FILTER}).
 * </ul>
 */
public final class AdminGuard {

  /** Loggers whose DEBUG output includes request or response headers. */
  static final List<String> TRANSPORT_LOGGERS =
      List.of("org.eclipse.jetty", "org.glassfish.jersey", "io.grpc", "io.netty", "okhttp3",
          "org.apache.hc", "org.apache.http", "io.fabric8.kubernetes.client.http",
          "io.vertx", "sun.net.www", "jdk.internal.httpclient", "org.postgresql");

  /** The log filter; installed once per logging context. */
  static final TurboFilter FILTER = new CredentialLogFilter();

  private AdminGuard() {}

  public static void install(Environment environment, boolean runtimeLogLevelChanges) {
    if (!runtimeLogLevelChanges) {
      environment
          .admin()
          .addFilter("veil-no-log-level-task", new NotFound())
          .addMappingForUrlPatterns(
              EnumSet.of(DispatcherType.REQUEST), true, "/tasks/log-level", "/tasks/log-level/*");
    }
    installLogFilter();
  }

  /**
   * Adds {@link #FILTER} to logback, and keeps it there when the configuration resets logging
   * (Dropwizard does so when a command starts); no-op without logback.
   */
  public static synchronized void installLogFilter() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    addFilter(context);
    if (context.getCopyOfListenerList().stream().noneMatch(l -> l instanceof KeepFilter)) {
      context.addListener(new KeepFilter());
    }
  }

  private static void addFilter(LoggerContext context) {
    if (!context.getTurboFilterList().contains(FILTER)) {
      FILTER.setContext(context);
      FILTER.start();
      context.addTurboFilter(FILTER);
    }
  }

  /** Puts the filter back after every reset of the logging context. */
  private static final class KeepFilter implements ch.qos.logback.classic.spi.LoggerContextListener {
    @Override
    public boolean isResetResistant() {
      return true;
    }

    @Override
    public void onStart(LoggerContext context) {
      addFilter(context);
    }

    @Override
    public void onReset(LoggerContext context) {
      addFilter(context);
    }

    @Override
    public void onStop(LoggerContext context) {}

    @Override
    public void onLevelChange(ch.qos.logback.classic.Logger logger, Level level) {}
  }

  private static final class NotFound implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException {
      ((HttpServletResponse) response)
          .sendError(404, "runtime log-level changes are off (runtimeLogLevelChanges)");
    }
  }

  private static final class CredentialLogFilter extends TurboFilter {
    @Override
    public FilterReply decide(
        Marker marker,
        ch.qos.logback.classic.Logger logger,
        Level level,
        String format,
        Object[] params,
        Throwable t) {
      if (level != null && !level.isGreaterOrEqual(Level.INFO) && isTransport(logger.getName())) {
        return FilterReply.DENY;
      }
      if (carriesCredential(format)) {
        return FilterReply.DENY;
      }
      if (params != null) {
        for (Object param : params) {
          if (param instanceof CharSequence text && carriesCredential(text.toString())) {
            return FilterReply.DENY;
          }
        }
      }
      return FilterReply.NEUTRAL;
    }

    private static boolean isTransport(String name) {
      for (String prefix : TRANSPORT_LOGGERS) {
        if (name.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }

    private static boolean carriesCredential(String text) {
      return text != null && text.length() >= 8 && CREDENTIAL.matcher(text).find();
    }
  }

  private static final java.util.regex.Pattern CREDENTIAL =
      java.util.regex.Pattern.compile(
          "(?i)authorization\\s*[:=]|bearer\\s+[A-Za-z0-9._~+/=-]{8,}");
}
