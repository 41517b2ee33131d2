package dev.veil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.app.core.VeilWorker;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VeilConfigurationTest {

  private final YamlConfigurationFactory<VeilConfiguration> factory =
      new YamlConfigurationFactory<>(
          VeilConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");
  private final SubstitutingSourceProvider provider =
      new SubstitutingSourceProvider(
          new VeilConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false));

  @Test
  void theBundledDefaultsWorkWithoutAnyFile() throws Exception {
    VeilConfiguration config = factory.build(provider, VeilConfigurationSourceProvider.BUNDLED);

    // the environment of a test run normally leaves these unset
    if (System.getenv("VEIL_TEMPORAL_ADDRESS") == null) {
      assertEquals("localhost:7233", config.getTemporal().getAddress());
    }
    assertEquals("default", config.getTemporal().getNamespace());
    assertTrue(config.getWorker().isEnabled());
    assertEquals("local", config.getExecutor().getType());
    assertEquals(java.util.Set.of("demo-source", "demo-target"), config.getConnections().keySet());
    ConnectionSettings source = config.connectionSettings().get("demo-source");
    if (System.getenv("VEIL_SOURCE_URL") == null) {
      assertEquals("jdbc:postgresql://127.0.0.1:5432/veil_demo_source", source.url());
    }
  }

  @Test
  void passwordsAndTheMaskingKeyNeverShowInToString(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("veil.yml");
    Files.writeString(
        file,
        """
        masking:
          key: a-very-secret-masking-key
        connections:
          prod:
            url: jdbc:postgresql://db.internal:5432/app
            user: reader
            password: hunter2-hunter2
        """);
    VeilConfiguration config = factory.build(provider, file.toString());

    String text = config + " " + config.getConnections() + " " + config.connectionSettings();
    assertFalse(text.contains("hunter2"), text);
    assertFalse(text.contains("a-very-secret"), text);
    assertEquals("hunter2-hunter2", config.connectionSettings().get("prod").password());
    assertTrue(config.getMasking().build().isPresent());
  }

  @Test
  void anUnknownExecutorIsRejectedWithTheReason(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("veil.yml");
    Files.writeString(file, "executor:\n  type: nomad\n");
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> factory.build(provider, file.toString()));
    assertTrue(
        e.getMessage().contains("executor.type must be 'local' or 'kubernetes'"), e.getMessage());
  }

  @Test
  void aKubernetesExecutorWithoutImageOrSecretIsRejectedNamingTheKeys(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("veil.yml");
    Files.writeString(file, "executor:\n  type: kubernetes\n");
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> factory.build(provider, file.toString()));
    assertTrue(e.getMessage().contains("executor.kubernetes.image"), e.getMessage());
    assertTrue(e.getMessage().contains("executor.kubernetes.connectionSecret"), e.getMessage());
  }

  @Test
  void kubernetesExecutorKeysBecomePodSettings(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("veil.yml");
    Files.writeString(
        file,
        """
        executor:
          type: kubernetes
          kubernetes:
            namespace: data
            image: ghcr.io/acme/veil:0.1.0
            imagePullPolicy: IfNotPresent
            imagePullSecrets: [regcred]
            serviceAccountName: veil-runner
            resources:
              requests: {cpu: 250m, memory: 256Mi}
              limits: {cpu: "2", memory: 2Gi}
            maxResources: {cpu: "4", memory: 8Gi}
            nodeSelector: {pool: batch}
            tolerations:
              - {key: dedicated, operator: Equal, value: veil, effect: NoSchedule}
            affinity:
              nodeAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  nodeSelectorTerms:
                    - matchExpressions:
                        - {key: zone, operator: In, values: [a]}
            priorityClassName: low
            maxConcurrentPods: 6
            activeDeadlineSeconds: 3600
            pendingTimeout: 5m
            keepFailedPods: true
            connectionSecret: veil-db
            maskingKeySecret: {name: veil-masking}
        """);
    VeilConfiguration config = factory.build(provider, file.toString());
    var settings = config.getExecutor().getKubernetes().settings("ignored");

    assertEquals("data", settings.namespace());
    assertEquals("ghcr.io/acme/veil:0.1.0", settings.image());
    assertEquals(java.util.List.of("regcred"), settings.imagePullSecrets());
    assertEquals("250m", settings.requests().get("cpu").toString());
    assertEquals("2Gi", settings.limits().get("memory").toString());
    assertEquals("8Gi", settings.maxLimits().get("memory").toString());
    assertEquals("NoSchedule", settings.tolerations().get(0).getEffect());
    assertEquals(
        "zone",
        settings.affinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getKey());
    assertEquals(6, settings.maxConcurrentPods());
    assertEquals(java.time.Duration.ofMinutes(5), settings.pendingTimeout());
    assertTrue(settings.keepFailedPods());
    assertEquals("veil-masking", settings.maskingKeySecretName());
    assertEquals("masking-key", settings.maskingKeySecretKey());
  }

  @Test
  void kubernetesDefaultsFollowTheDocumentedValues(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("veil.yml");
    Files.writeString(
        file,
        "executor:\n  type: kubernetes\n  kubernetes:\n    image: veil:1\n"
            + "    connectionSecret: veil-db\n    resources: {limits: {memory: lots}}\n");
    VeilConfiguration config = factory.build(provider, file.toString());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> config.getExecutor().getKubernetes().settings("team-a"));
    assertTrue(e.getMessage().contains("executor.kubernetes.resources.limits.memory"), e.getMessage());

    config.getExecutor().getKubernetes().getResources().setLimits(Map.of("memory", "1Gi"));
    var settings = config.getExecutor().getKubernetes().settings("team-a");
    if (!java.nio.file.Files.exists(KubernetesExecutorFactory.SERVICE_ACCOUNT_NAMESPACE)) {
      assertEquals("team-a", settings.namespace());
    }
    assertEquals("500m", settings.requests().get("cpu").toString());
    assertEquals(4, settings.maxConcurrentPods());
    assertEquals(21_600L, settings.activeDeadlineSeconds());
    assertEquals(java.time.Duration.ofMinutes(10), settings.pendingTimeout());
    assertFalse(settings.keepFailedPods());
    assertEquals(null, settings.maskingKeySecretName());
  }

  @Test
  void aShortMaskingKeyIsRejectedWithoutEchoingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("veil.yml");
    Files.writeString(file, "masking:\n  key: tooshort\n");
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> factory.build(provider, file.toString()));
    assertTrue(e.getMessage().contains("masking.key must be empty or at least 16"), e.getMessage());
    assertFalse(e.getMessage().contains("tooshort"), e.getMessage());
  }

  @Test
  void anUnknownWorkerRoleIsRejected(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("veil.yml");
    Files.writeString(file, "worker:\n  role: chunks\n");
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> factory.build(provider, file.toString()));
    assertTrue(e.getMessage().contains("worker.role must be 'all' or 'tasks'"), e.getMessage());
  }

  @Test
  void aTaskOnlyWorkerPollsOnlyTheTaskQueue(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("veil.yml");
    Files.writeString(file, "worker:\n  role: tasks\n  maxConcurrentTasks: 6\n");
    VeilWorker.Settings settings =
        factory.build(provider, file.toString()).getWorker().settings(true);
    assertTrue(settings.tasksOnly());
    assertEquals(6, settings.maxConcurrentTasks());
  }

  @Test
  void withoutDashCTheConfigurationIsVeilConfigElseLocalFileElseBundled(@TempDir Path dir)
      throws Exception {
    assertEquals(
        "/etc/veil/veil.yml",
        VeilConfigurationSourceProvider.defaultLocation(
            Map.of("VEIL_CONFIG", "/etc/veil/veil.yml"), dir));
    assertEquals(
        VeilConfigurationSourceProvider.BUNDLED,
        VeilConfigurationSourceProvider.defaultLocation(Map.of(), dir));
    Files.writeString(dir.resolve("veil.yml"), "{}\n");
    assertEquals("veil.yml", VeilConfigurationSourceProvider.defaultLocation(Map.of(), dir));
  }
}
