package dev.veil.app.core;

import io.dropwizard.lifecycle.Managed;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal service stubs and workflow client of this process, with the address they point at
 * for error messages. Closing it shuts the channel down (when this object created it).
 */
public final class TemporalClients implements Managed, AutoCloseable {

  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final String address;
  private final String namespace;
  private final Duration rpcTimeout;
  private final boolean ownsStubs;

  /**
   * Wraps existing clients (tests: a {@code TestWorkflowEnvironment}'s client); closing this does
   * not shut them down.
   */
  public TemporalClients(WorkflowClient client, String address, Duration rpcTimeout) {
    this(client.getWorkflowServiceStubs(), client, address, rpcTimeout, false);
  }

  private TemporalClients(
      WorkflowServiceStubs stubs,
      WorkflowClient client,
      String address,
      Duration rpcTimeout,
      boolean ownsStubs) {
    this.stubs = stubs;
    this.client = client;
    this.address = address;
    this.namespace = client.getOptions().getNamespace();
    this.rpcTimeout = rpcTimeout;
    this.ownsStubs = ownsStubs;
  }

  /**
   * How the channel is secured: {@code sslContext} {@code null} is plaintext; {@code serverName}
   * (optional) is the name the server certificate is checked against instead of the address's host.
   */
  public record Transport(SslContext sslContext, String serverName) {
    public static final Transport PLAINTEXT = new Transport(null, null);
  }

  /** Clients whose channel connects on first use. */
  public static TemporalClients lazy(String address, String namespace, Duration rpcTimeout) {
    return lazy(address, namespace, rpcTimeout, Transport.PLAINTEXT);
  }

  /** Clients whose channel, secured as {@code transport} says, connects on first use. */
  public static TemporalClients lazy(
      String address, String namespace, Duration rpcTimeout, Transport transport) {
    return lazy(address, namespace, rpcTimeout, transport, true);
  }

  private static TemporalClients lazy(
      String address, String namespace, Duration rpcTimeout, Transport transport, boolean metrics) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(options(address, rpcTimeout, transport, metrics));
    return new TemporalClients(stubs, newClient(stubs, namespace), address, rpcTimeout, true);
  }

  /**
   * Clients that have reached the server and found the namespace.
   *
   * @throws TemporalUnavailableException within about {@code rpcTimeout} if not
   */
  public static TemporalClients connect(String address, String namespace, Duration rpcTimeout) {
    return connect(address, namespace, rpcTimeout, Transport.PLAINTEXT);
  }

  /**
   * As {@link #connect(String, String, Duration)}, secured as {@code transport} says. For
   * one-shot commands: no Temporal client metrics (nothing would serve them, and the metrics
   * registry costs a short command a good part of its start-up).
   */
  public static TemporalClients connect(
      String address, String namespace, Duration rpcTimeout, Transport transport) {
    TemporalClients clients = lazy(address, namespace, rpcTimeout, transport, false);
    try {
      clients.checkReachable();
      return clients;
    } catch (RuntimeException e) {
      clients.close();
      throw e;
    }
  }

  private static WorkflowServiceStubsOptions options(
      String address, Duration rpcTimeout, Transport transport, boolean metrics) {
    WorkflowServiceStubsOptions.Builder builder =
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(address)
            .setHealthCheckTimeout(rpcTimeout)
            .setSystemInfoTimeout(rpcTimeout);
    if (metrics) {
      // Temporal's client and worker metrics, in the agent's Prometheus registry
      builder.setMetricsScope(dev.veil.app.metrics.PrometheusMetrics.temporalScope());
    }
    if (transport.sslContext() != null) {
      builder.setSslContext(transport.sslContext());
      String serverName = transport.serverName();
      if (serverName != null && !serverName.isBlank()) {
        builder.setChannelInitializer(channel -> channel.overrideAuthority(serverName));
      }
    }
    return builder.build();
  }

  private static WorkflowClient newClient(WorkflowServiceStubs stubs, String namespace) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }

  public WorkflowClient client() {
    return client;
  }

  public WorkflowServiceStubs stubs() {
    return stubs;
  }

  public String address() {
    return address;
  }

  public String namespace() {
    return namespace;
  }

  public Duration rpcTimeout() {
    return rpcTimeout;
  }

  /** A blocking stub whose calls give up after {@code timeout}. */
  public WorkflowServiceGrpc.WorkflowServiceBlockingStub blocking(Duration timeout) {
    return stubs.blockingStub().withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Checks within {@code rpcTimeout} that the server answers and knows the namespace.
   *
   * @throws TemporalUnavailableException naming the address, and the namespace when it is missing
   */
  public void checkReachable() {
    try {
      blocking(rpcTimeout).getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      throw new TemporalUnavailableException(address, reason(e), e);
    }
    try {
      blocking(rpcTimeout)
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNIMPLEMENTED) {
        return; // Temporal's Java test server (the dev server) has no namespace API
      }
      if (code == Status.Code.NOT_FOUND) {
        throw new TemporalUnavailableException(
            address, "namespace '" + namespace + "' does not exist", e);
      }
      throw new TemporalUnavailableException(address, reason(e), e);
    }
  }

  /** One line for a failed call: what went wrong, without the gRPC noise. */
  static String reason(StatusRuntimeException e) {
    Status status = e.getStatus();
    return switch (status.getCode()) {
      case DEADLINE_EXCEEDED -> "no answer in time (is a Temporal frontend running there?)";
      case UNAVAILABLE ->
          "unavailable"
              + (status.getDescription() == null
                  ? ""
                  : " (" + firstLine(status.getDescription()) + ")")
              + (status.getCause() == null ? "" : ": " + firstLine(status.getCause().getMessage()));
      default ->
          status.getCode()
              + (status.getDescription() == null ? "" : ": " + firstLine(status.getDescription()));
    };
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void stop() {
    close();
  }

  @Override
  public void close() {
    if (ownsStubs && !stubs.isShutdown()) {
      stubs.shutdown();
      try {
        if (!stubs.awaitTermination(5, TimeUnit.SECONDS)) {
          stubs.shutdownNow();
        }
      } catch (RuntimeException e) {
        stubs.shutdownNow();
      }
    }
  }
}
