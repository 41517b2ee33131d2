package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.app.core.TemporalClients;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * {@code temporal:} where the Temporal frontend is and how to talk to it. Builds the {@link
 * TemporalClients} (service stubs + workflow client) that every other part shares.
 */
public class TemporalFactory {

  /** {@code host:port} of the Temporal frontend. */
  @NotBlank private String address = "localhost:7233";

  /** Temporal namespace the runs live in. */
  @NotBlank private String namespace = "default";

  /**
   * Whether the frontend is Temporal's Java test server (the dev server): workers then disable
   * sticky execution, or a workflow stalls after its worker dies.
   */
  private boolean devServer;

  /** How long connecting and one-shot calls (describe, signal, health) may take. */
  @NotNull private Duration rpcTimeout = Duration.seconds(5);

  /** TLS / mTLS to the frontend (Temporal Cloud); off by default. */
  @Valid @NotNull private TemporalTlsFactory tls = new TemporalTlsFactory();

  @JsonProperty
  public String getAddress() {
    return address;
  }

  @JsonProperty
  public void setAddress(String address) {
    this.address = address;
  }

  @JsonProperty
  public String getNamespace() {
    return namespace;
  }

  @JsonProperty
  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  @JsonProperty
  public boolean isDevServer() {
    return devServer;
  }

  @JsonProperty
  public void setDevServer(boolean devServer) {
    this.devServer = devServer;
  }

  @JsonProperty
  public Duration getRpcTimeout() {
    return rpcTimeout;
  }

  @JsonProperty
  public void setRpcTimeout(Duration rpcTimeout) {
    this.rpcTimeout = rpcTimeout;
  }

  @JsonProperty
  public TemporalTlsFactory getTls() {
    return tls;
  }

  @JsonProperty
  public void setTls(TemporalTlsFactory tls) {
    this.tls = tls == null ? new TemporalTlsFactory() : tls;
  }

  /**
   * Clients whose channel connects lazily: for long-running processes, which report an unreachable
   * server through the {@code temporal} health check instead of refusing to start.
   */
  public TemporalClients build() {
    return TemporalClients.lazy(address, namespace, rpcTimeout.toJavaDuration(), transport());
  }

  /**
   * Clients that have reached the server, for one-shot commands.
   *
   * @throws dev.veil.app.core.TemporalUnavailableException within {@link #getRpcTimeout()} when the
   *     server cannot be reached, naming the address
   */
  public TemporalClients connect() {
    return TemporalClients.connect(address, namespace, rpcTimeout.toJavaDuration(), transport());
  }

  private TemporalClients.Transport transport() {
    return new TemporalClients.Transport(tls.sslContext().orElse(null), tls.getServerName());
  }

  @Override
  public String toString() {
    return "TemporalFactory[address="
        + address
        + ", namespace="
        + namespace
        + ", devServer="
        + devServer
        + ", tls="
        + tls
        + "]";
  }
}
