package dev.veil.temporaldev;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Temporal frontend for development and tests: Temporal's Java test server, bound to a TCP
 * port, running in real time (time skipping locked). Workers and clients reach it at {@link
 * #address()} like any Temporal server.
 *
 * <p>What it is not: state lives in memory only and is lost on {@link #close()}; there is no
 * Schedules API and no visibility list queries. Workers talking to it must disable sticky
 * execution, or a workflow stalls after its worker dies. Use a real server ({@code temporal server
 * start-dev} or a full deployment) for anything that must survive a restart.
 */
public final class DevTemporalServer implements AutoCloseable {

  /** The port Temporal frontends listen on by convention. */
  public static final int DEFAULT_PORT = 7233;

  private static final Logger log = LoggerFactory.getLogger(DevTemporalServer.class);

  /** Where the server listens unless told otherwise: this machine only. */
  public static final String LOOPBACK = "127.0.0.1";

  private final TestServicesStarter services;
  private final Server server;
  private final String host;
  private final int port;

  private DevTemporalServer(TestServicesStarter services, Server server, String host, int port) {
    this.services = services;
    this.server = server;
    this.host = host;
    this.port = port;
  }

  /**
   * Starts a server on exactly this port.
   *
   * @param port the port; 0 picks a free one
   * @throws IllegalStateException if the port is taken
   */
  public static DevTemporalServer start(int port) {
    return start(port, false);
  }

  /**
   * Starts a server on this port, or on a free port if it is 0 or taken and {@code
   * fallBackToFreePort} is set.
   *
   * @throws IllegalStateException if the port is taken and no fallback was asked for
   */
  public static DevTemporalServer start(int port, boolean fallBackToFreePort) {
    return start(LOOPBACK, port, fallBackToFreePort);
  }

  /**
   * Starts a server listening on {@code host} only ({@value #LOOPBACK} unless another address is
   * asked for: anyone who reaches the port can read and change every run's history).
   *
   * @throws IllegalStateException if the port is taken and no fallback was asked for
   */
  public static DevTemporalServer start(String host, int port, boolean fallBackToFreePort) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
    if (port != 0) {
      try {
        return bind(host, port);
      } catch (PortTakenException e) {
        if (!fallBackToFreePort) {
          throw new IllegalStateException(
              "cannot start the Temporal dev server: port " + port + " is already in use", e);
        }
        log.info("port {} is in use, the Temporal dev server picks a free port", port);
      }
    }
    // A free port can be taken by someone else between probing and binding: try a few.
    PortTakenException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        return bind(host, freePort());
      } catch (PortTakenException e) {
        last = e;
      }
    }
    throw new IllegalStateException("cannot start the Temporal dev server on a free port", last);
  }

  private static DevTemporalServer bind(String host, int port) {
    // TestServer.createPortBoundServer binds every interface; this is the same server, bound to
    // one address
    TestServicesStarter services = new TestServicesStarter(/* lockTimeSkipping= */ true, 0L);
    try {
      var builder =
          io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(
              new InetSocketAddress(InetAddress.getByName(host), port),
              InsecureServerCredentials.create());
      GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
      Server server = builder.build().start();
      log.info("Temporal dev server listening on {}:{} (in-memory state)", host, port);
      return new DevTemporalServer(services, server, host, port);
    } catch (IOException | RuntimeException e) {
      services.close();
      if (causedByBindFailure(e)) {
        throw new PortTakenException(port, e);
      }
      throw new IllegalStateException(
          "cannot start the Temporal dev server on " + host + ":" + port + ": " + e.getMessage(),
          e);
    }
  }

  private static boolean causedByBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
      String message = t.getMessage();
      if (message != null && message.contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  /** A port nobody listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }

  /** Whether something accepts connections on this loopback port. */
  public static boolean portInUse(int port) {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  /** The address it listens on. */
  public String host() {
    return host;
  }

  /** {@code HOST:PORT} as a Temporal client target ({@code 127.0.0.1} when bound to all). */
  public String address() {
    boolean any = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    return (any ? LOOPBACK : host) + ":" + port;
  }

  /** Stops the server; every workflow it held is gone. */
  @Override
  public void close() {
    log.info("Temporal dev server on port {} stopping", port);
    server.shutdownNow();
    try {
      server.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    services.close();
  }

  /**
   * Runs a dev server until the process is killed: {@code DevTemporalServer [--port N]}, port 7233
   * by default.
   */
  public static void main(String[] args) throws InterruptedException {
    int port = DEFAULT_PORT;
    for (int i = 0; i < args.length; i++) {
      if (("--port".equals(args[i]) || "-p".equals(args[i])) && i + 1 < args.length) {
        port = parsePort(args[++i]);
      } else if (args[i].startsWith("--port=")) {
        port = parsePort(args[i].substring("--port=".length()));
      } else {
        System.err.println("usage: DevTemporalServer [--port N]   (default " + DEFAULT_PORT + ")");
        System.exit(2);
      }
    }
    DevTemporalServer server;
    try {
      server = start(port);
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "temporal-dev-shutdown"));
    System.out.println(
        "Temporal dev server at "
            + server.address()
            + " (in memory, lost on exit; no Schedules, no visibility queries). Ctrl-C stops it.");
    stopped.await();
  }

  private static int parsePort(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      System.err.println("--port: not a number: " + text);
      System.exit(2);
      return -1;
    }
  }

  private static final class PortTakenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortTakenException(int port, Throwable cause) {
      super("port " + port + " is in use", cause);
    }
  }
}
