package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import jakarta.validation.constraints.AssertTrue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * {@code temporal.tls:} TLS, and mTLS with a client certificate, to the Temporal frontend (Temporal
 * Cloud needs both). Files are PEM: the client certificate (chain), its PKCS#8 private key, and
 * optionally a CA bundle that signs the server (default: the JVM's trusted CAs).
 */
public class TemporalTlsFactory {

  private boolean enabled;

  private String clientCertPath;

  private String clientKeyPath;

  private String caCertPath;

  private String serverName;

  @JsonProperty
  public boolean isEnabled() {
    return enabled;
  }

  @JsonProperty
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  @JsonProperty
  public String getClientCertPath() {
    return clientCertPath;
  }

  @JsonProperty
  public void setClientCertPath(String clientCertPath) {
    this.clientCertPath = clientCertPath;
  }

  @JsonProperty
  public String getClientKeyPath() {
    return clientKeyPath;
  }

  @JsonProperty
  public void setClientKeyPath(String clientKeyPath) {
    this.clientKeyPath = clientKeyPath;
  }

  @JsonProperty
  public String getCaCertPath() {
    return caCertPath;
  }

  @JsonProperty
  public void setCaCertPath(String caCertPath) {
    this.caCertPath = caCertPath;
  }

  @JsonProperty
  public String getServerName() {
    return serverName;
  }

  @JsonProperty
  public void setServerName(String serverName) {
    this.serverName = serverName;
  }

  /** A client certificate needs its key and the other way round. */
  @JsonIgnore
  @AssertTrue(message = "must both be set or both be empty")
  public boolean isClientCertPathAndKeyPath() {
    return isBlank(clientCertPath) == isBlank(clientKeyPath);
  }

  /**
   * The SSL context for the gRPC channel, or empty when TLS is off.
   *
   * @throws IllegalArgumentException naming the {@code temporal.tls.*} key of a file that cannot be
   *     read or parsed (never its content)
   */
  public Optional<SslContext> sslContext() {
    if (!enabled) {
      return Optional.empty();
    }
    SimpleSslContextBuilder builder =
        isBlank(clientCertPath)
            ? SimpleSslContextBuilder.noKeyOrCertChain()
            : SimpleSslContextBuilder.forPKCS8(
                new ByteArrayInputStream(read("clientCertPath", clientCertPath)),
                new ByteArrayInputStream(read("clientKeyPath", clientKeyPath)));
    if (!isBlank(caCertPath)) {
      builder.setTrustManager(trustManager(caCertPath));
    }
    try {
      return Optional.of(builder.build());
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "temporal.tls: cannot use clientCertPath/clientKeyPath ("
              + e.getClass().getSimpleName()
              + "): are both PEM, the key PKCS#8, and do they belong together?",
          e);
    }
  }

  private static byte[] read(String key, String path) {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (IOException e) {
      throw new IllegalArgumentException("temporal.tls." + key + ": cannot read " + path, e);
    }
  }

  private static TrustManager trustManager(String path) {
    try (InputStream in = new ByteArrayInputStream(read("caCertPath", path))) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      if (i == 0) {
        throw new IllegalArgumentException(
            "temporal.tls.caCertPath: no PEM certificate in " + path);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers()[0];
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "temporal.tls.caCertPath: not a PEM certificate bundle: " + path, e);
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  @Override
  public String toString() {
    return "TemporalTlsFactory[enabled="
        + enabled
        + ", clientCert="
        + (isBlank(clientCertPath) ? "none" : clientCertPath)
        + ", ca="
        + (isBlank(caCertPath) ? "system" : caCertPath)
        + ", serverName="
        + serverName
        + "]";
  }
}
