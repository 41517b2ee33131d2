package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.cloud.CloudPipelineSource;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.delivery.DeliveryStorages;
import dev.veil.activities.delivery.StorageSettings;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's configuration ({@code veil.yml}; the bundled {@code veil-default.yml} when none is
 * given). Environment variables are substituted ({@code ${VEIL_TEMPORAL_ADDRESS:-localhost:7233}}).
 * Credentials live only here and in the environment; {@link #toString()} never prints them.
 */
public class VeilConfiguration extends Configuration {

  @Valid @NotNull private TemporalFactory temporal = new TemporalFactory();

  @Valid @NotNull private VeilWorkerFactory worker = new VeilWorkerFactory();

  @Valid @NotNull private ExecutorFactory executor = new ExecutorFactory();

  @Valid @NotNull private PipelinesFactory pipelines = new PipelinesFactory();

  @Valid @NotNull private Map<String, ConnectionFactory> connections = new LinkedHashMap<>();

  /** S3-compatible storages that delivery specs name ({@code target.delivery.storage}). */
  @Valid @NotNull private Map<String, StorageFactory> deliveryStorages = new LinkedHashMap<>();

  @Valid @NotNull private MaskingFactory masking = new MaskingFactory();

  @Valid @NotNull private CloudFactory cloud = new CloudFactory();

  @Valid @NotNull private ApiFactory api = new ApiFactory();

  @Valid @NotNull private PostgresFactory postgres = new PostgresFactory();

  @JsonProperty
  public PostgresFactory getPostgres() {
    return postgres;
  }

  @JsonProperty
  public void setPostgres(PostgresFactory postgres) {
    this.postgres = postgres;
  }

  private boolean runtimeLogLevelChanges;

  /**
   * The server with Veil's safe defaults applied: connectors without a {@code bindHost} on
   * loopback, a request log without query strings ({@link ServerHardening}).
   */
  @Override
  @JsonProperty("server")
  public synchronized io.dropwizard.core.server.ServerFactory getServerFactory() {
    io.dropwizard.core.server.ServerFactory server = super.getServerFactory();
    ServerHardening.apply(server);
    return server;
  }

  static {
    // before any command configures logging: the credential filter survives every reset
    AdminGuard.installLogFilter();
  }

  /**
   * {@code runtimeLogLevelChanges: true} opens the admin task {@code POST /tasks/log-level}; off
   * by default, since DEBUG logging of other libraries is where request details would appear.
   */
  @JsonProperty
  public boolean isRuntimeLogLevelChanges() {
    return runtimeLogLevelChanges;
  }

  @JsonProperty
  public void setRuntimeLogLevelChanges(boolean runtimeLogLevelChanges) {
    this.runtimeLogLevelChanges = runtimeLogLevelChanges;
  }

  /**
   * The guard of the REST API ({@link ApiFactory#guard()}), after refusing an API that listens
   * beyond loopback with no token, unless {@code api.protectedElsewhere} says a proxy in front
   * authenticates.
   *
   * @throws IllegalStateException naming the settings, when the API would be open to the network
   */
  public dev.veil.app.resources.ApiTokenFilter apiGuard() {
    java.util.List<String> exposed = ServerHardening.exposedApplicationHosts(getServerFactory());
    if (!exposed.isEmpty() && !api.isAuthenticated() && !api.isProtectedElsewhere()) {
      throw new IllegalStateException(
          "api.token: the REST API would listen on " + String.join(", ", exposed)
              + " without authentication; set api.token (VEIL_API_TOKEN), bind it to loopback"
              + " (VEIL_HTTP_BIND=127.0.0.1), or set api.protectedElsewhere: true when a proxy in"
              + " front of the agent authenticates");
    }
    return api.guard();
  }

  @JsonProperty
  public TemporalFactory getTemporal() {
    return temporal;
  }

  @JsonProperty
  public void setTemporal(TemporalFactory temporal) {
    this.temporal = temporal;
  }

  @JsonProperty
  public VeilWorkerFactory getWorker() {
    return worker;
  }

  @JsonProperty
  public void setWorker(VeilWorkerFactory worker) {
    this.worker = worker;
  }

  @JsonProperty
  public ExecutorFactory getExecutor() {
    return executor;
  }

  @JsonProperty
  public void setExecutor(ExecutorFactory executor) {
    this.executor = executor;
  }

  @JsonProperty
  public PipelinesFactory getPipelines() {
    return pipelines;
  }

  @JsonProperty
  public void setPipelines(PipelinesFactory pipelines) {
    this.pipelines = pipelines;
  }

  @JsonProperty
  public Map<String, ConnectionFactory> getConnections() {
    return connections;
  }

  @JsonProperty
  public void setConnections(Map<String, ConnectionFactory> connections) {
    this.connections = connections == null ? new LinkedHashMap<>() : connections;
  }

  @JsonProperty
  public Map<String, StorageFactory> getDeliveryStorages() {
    return deliveryStorages;
  }

  @JsonProperty
  public void setDeliveryStorages(Map<String, StorageFactory> deliveryStorages) {
    this.deliveryStorages = deliveryStorages == null ? new LinkedHashMap<>() : deliveryStorages;
  }

  /** The delivery storages, by name. */
  public DeliveryStorages deliveryStorageRegistry() {
    Map<String, StorageSettings> settings = new LinkedHashMap<>();
    deliveryStorages.forEach((name, factory) -> settings.put(name, factory.build()));
    return new DeliveryStorages(settings);
  }

  @JsonProperty
  public MaskingFactory getMasking() {
    return masking;
  }

  @JsonProperty
  public void setMasking(MaskingFactory masking) {
    this.masking = masking;
  }

  @JsonProperty
  public CloudFactory getCloud() {
    return cloud;
  }

  @JsonProperty
  public void setCloud(CloudFactory cloud) {
    this.cloud = cloud;
  }

  @JsonProperty
  public ApiFactory getApi() {
    return api;
  }

  @JsonProperty
  public void setApi(ApiFactory api) {
    this.api = api;
  }

  /**
   * Where pipeline specs come from: the cloud API when {@code cloud.url} is set, else the local
   * folder ({@code pipelines.directory}, the offline default).
   */
  public PipelineSource pipelineSource() {
    return cloud.build()
        .<PipelineSource>map(CloudPipelineSource::new)
        .orElseGet(pipelines::build);
  }

  /** Every secret of this configuration (passwords, masking key), for scrubbing uploaded logs. */
  public java.util.List<String> secrets() {
    java.util.List<String> secrets = new java.util.ArrayList<>();
    connections.values().forEach(c -> secrets.add(c.getPassword()));
    deliveryStorages.values().forEach(s -> {
      secrets.add(s.getAccessKeyId());
      secrets.add(s.getSecretAccessKey());
    });
    secrets.add(masking.getKey());
    secrets.add(cloud.getToken());
    secrets.add(api.getToken());
    secrets.removeIf(s -> s == null || s.isEmpty());
    return secrets;
  }

  /** Settings of every configured connection, by name. */
  public Map<String, ConnectionSettings> connectionSettings() {
    Map<String, ConnectionSettings> settings = new LinkedHashMap<>();
    connections.forEach((name, factory) -> settings.put(name, factory.build()));
    return settings;
  }

  public ConnectionRegistry connectionRegistry() {
    return new ConnectionRegistry(connectionSettings());
  }

  @Override
  public String toString() {
    return "VeilConfiguration[temporal="
        + temporal
        + ", connections="
        + connections
        + ", deliveryStorages="
        + deliveryStorages
        + ", masking="
        + masking
        + ", cloud="
        + cloud
        + ", api="
        + api
        + "]";
  }
}
