package dev.veil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.TemporalUnavailableException;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code temporal.tls}: the agent reaches a frontend that demands mutual TLS (as Temporal Cloud
 * does) with its client certificate, checks the server against the configured CA and server name,
 * and is refused without a certificate. The frontend is a gRPC server with the test PKI of {@code
 * src/test/resources/tls} answering the two calls the reachability check makes.
 */
class TemporalTlsTest {

  private static Server server;
  private static String address;

  @BeforeAll
  static void startMutualTlsFrontend() throws Exception {
    server =
        NettyServerBuilder.forPort(0)
            .sslContext(
                GrpcSslContexts.forServer(file("server.crt"), file("server.key"))
                    .trustManager(file("ca.crt"))
                    .clientAuth(ClientAuth.REQUIRE)
                    .build())
            .addService(new Frontend())
            .build()
            .start();
    address = "127.0.0.1:" + server.getPort();
  }

  @AfterAll
  static void stop() {
    server.shutdownNow();
  }

  @Test
  void clientCertificateAndCaReachTheMutualTlsFrontend() {
    TemporalFactory temporal = factory(tls(true, true, true));
    try (TemporalClients clients = temporal.connect()) {
      assertEquals("veil-test", clients.namespace());
    }
  }

  @Test
  void withoutClientCertificateTheFrontendRefusesTheAgent() {
    TemporalFactory temporal = factory(tls(false, true, true));
    TemporalUnavailableException e =
        assertThrows(TemporalUnavailableException.class, temporal::connect);
    assertTrue(e.getMessage().contains(address), e.getMessage());
  }

  @Test
  void aServerNotSignedByATrustedCaIsRefused() {
    // the JVM's CAs do not know the test CA
    TemporalFactory temporal = factory(tls(true, false, true));
    assertThrows(TemporalUnavailableException.class, temporal::connect);
  }

  @Test
  void plaintextAgainstTlsFrontendFails() {
    TemporalFactory temporal = factory(new TemporalTlsFactory());
    assertThrows(TemporalUnavailableException.class, temporal::connect);
  }

  @Test
  void unreadableCertificateNamesTheKey() {
    TemporalTlsFactory tls = tls(true, true, true);
    tls.setClientCertPath("/nonexistent/client.crt");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, tls::sslContext);
    assertTrue(e.getMessage().startsWith("temporal.tls.clientCertPath:"), e.getMessage());
  }

  @Test
  void tlsIsOffByDefault() {
    assertTrue(new TemporalFactory().getTls().sslContext().isEmpty());
  }

  @Test
  void configurationRejectsACertificateWithoutItsKey() throws Exception {
    Path yaml = Files.createTempFile("veil-tls", ".yml");
    Files.writeString(
        yaml,
        """
        temporal:
          address: temporal.example:7233
          tls:
            enabled: true
            clientCertPath: /etc/veil/temporal-tls/tls.crt
        """);
    YamlConfigurationFactory<VeilConfiguration> factory =
        new YamlConfigurationFactory<>(
            VeilConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");
    ConfigurationValidationException e =
        assertThrows(
            ConfigurationValidationException.class,
            () -> factory.build(path -> Files.newInputStream(Path.of(path)), yaml.toString()));
    assertTrue(
        e.getMessage()
            .contains("temporal.tls.clientCertPathAndKeyPath must both be set or both be empty"),
        e.getMessage());
  }

  private TemporalFactory factory(TemporalTlsFactory tls) {
    TemporalFactory temporal = new TemporalFactory();
    temporal.setAddress(address);
    temporal.setNamespace("veil-test");
    temporal.setRpcTimeout(io.dropwizard.util.Duration.seconds(5));
    temporal.setTls(tls);
    return temporal;
  }

  private static TemporalTlsFactory tls(boolean clientCert, boolean ca, boolean serverName) {
    TemporalTlsFactory tls = new TemporalTlsFactory();
    tls.setEnabled(true);
    if (clientCert) {
      tls.setClientCertPath(file("client.crt").getPath());
      tls.setClientKeyPath(file("client.key").getPath());
    }
    if (ca) {
      tls.setCaCertPath(file("ca.crt").getPath());
    }
    if (serverName) {
      tls.setServerName("temporal.test");
    }
    return tls;
  }

  private static File file(String name) {
    try {
      return new File(TemporalTlsTest.class.getResource("/tls/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Just enough of a frontend for {@link TemporalClients#checkReachable()}. */
  private static final class Frontend extends WorkflowServiceGrpc.WorkflowServiceImplBase {
    @Override
    public void getSystemInfo(
        GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> response) {
      response.onNext(GetSystemInfoResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void describeNamespace(
        DescribeNamespaceRequest request, StreamObserver<DescribeNamespaceResponse> response) {
      response.onNext(DescribeNamespaceResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
