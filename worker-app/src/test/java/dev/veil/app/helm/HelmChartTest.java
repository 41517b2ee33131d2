package dev.veil.app.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.LintResult;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.app.VeilConfiguration;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.commons.text.StringSubstitutor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart {@code helm/veil-agent}: lint-clean, renders with its defaults and with a
 * production-like values file, and what it renders keeps credentials in Secrets, grants only the
 * namespaced RBAC the executor needs, and carries resources, node selection and TLS through to the
 * workers and the redaction pods' configuration.
 */
@SuppressWarnings("unchecked") // the ServiceMonitor is read as a generic resource
class HelmChartTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path PRODUCTION = Chart.resource("production-values.yaml");
  private static final List<String> PLANTED =
      List.of(
          "planted-password-replica-91ad",
          "planted-password-staging-c4e2",
          "planted-masking-key-7f3a9c1e55");

  private static String productionText;
  private static List<HasMetadata> production;
  private static List<HasMetadata> defaults;

  @BeforeAll
  static void render() {
    productionText = Chart.template(PRODUCTION, Map.of());
    production = Chart.parse(productionText);
    defaults = Chart.parse(Chart.template(null, Map.of()));
  }

  @Test
  void lintStrictIsClean() {
    LintResult lint = Chart.lintStrict();
    assertFalse(lint.isFailed(), () -> String.join("\n", lint.getMessages()));
    assertTrue(
        lint.getMessages().stream()
            .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]")),
        () -> String.join("\n", lint.getMessages()));
  }

  @Test
  void lintStrictIsCleanWithProductionValues() {
    LintResult lint = Chart.lintStrict(PRODUCTION);
    assertFalse(lint.isFailed(), () -> String.join("\n", lint.getMessages()));
  }

  @Test
  void defaultValuesRenderAWorkerWithTheLocalExecutorAndNoSecrets() {
    assertEquals(
        Set.of(
            "ConfigMap",
            "Deployment",
            "PodDisruptionBudget",
            "Role",
            "RoleBinding",
            "Service",
            "ServiceAccount"),
        defaults.stream().map(HasMetadata::getKind).collect(Collectors.toSet()));
    JsonNode config = agentConfig(defaults);
    assertEquals("local", config.at("/executor/type").asText());
    assertTrue(config.at("/executor/kubernetes").isMissingNode());
    assertEquals("0.0.0.0", config.at("/server/adminConnectors/0/bindHost").asText());
  }

  @Test
  void rbacIsANamespacedRoleWithOnlyWhatTheExecutorNeeds() {
    for (List<HasMetadata> objects : List.of(defaults, production)) {
      assertTrue(
          objects.stream().noneMatch(o -> o.getKind().startsWith("Cluster")),
          "nothing cluster-wide");
      List<Role> roles = ofKind(objects, Role.class);
      assertEquals(1, roles.size());
      Set<String> grants = new TreeSet<>();
      for (PolicyRule rule : roles.get(0).getRules()) {
        assertEquals(List.of(""), rule.getApiGroups());
        assertTrue(rule.getNonResourceURLs().isEmpty());
        for (String resource : rule.getResources()) {
          rule.getVerbs().forEach(verb -> grants.add(resource + ":" + verb));
        }
      }
      assertEquals(
          new TreeSet<>(
              Set.of(
                  "pods:get",
                  "pods:list",
                  "pods:watch",
                  "pods:create",
                  "pods:delete",
                  "pods/log:get",
                  "configmaps:get",
                  "configmaps:create",
                  "configmaps:delete")),
          grants);
      RoleBinding binding = ofKind(objects, RoleBinding.class).get(0);
      assertEquals("Role", binding.getRoleRef().getKind());
      assertEquals(roles.get(0).getMetadata().getName(), binding.getRoleRef().getName());
      assertEquals("ServiceAccount", binding.getSubjects().get(0).getKind());
      assertEquals("veil", binding.getSubjects().get(0).getNamespace());
    }
    // with redaction pods in their own namespace, the Role lives there
    assertEquals(
        "veil-redaction", ofKind(production, Role.class).get(0).getMetadata().getNamespace());
  }

  @Test
  void noSecretValueAppearsOutsideSecretObjects() {
    List<String> secretValues = Chart.secretValues(production);
    assertTrue(secretValues.containsAll(PLANTED), "the planted values are in Secrets");
    for (String document : Chart.documents(productionText)) {
      if (document.contains("\nkind: Secret\n")) {
        continue;
      }
      for (String value : secretValues) {
        assertFalse(document.contains(value), () -> "a Secret value in:\n" + document);
        String encoded = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        assertFalse(document.contains(encoded), () -> "a Secret value (base64) in:\n" + document);
      }
    }
  }

  @Test
  void connectionsAreOneSecretWithUrlUserAndPasswordPerConnectionInBothNamespaces() {
    List<Secret> secrets =
        ofKind(production, Secret.class).stream()
            .filter(s -> s.getMetadata().getName().equals("veil-agent-connections"))
            .toList();
    assertEquals(
        Set.of("veil", "veil-redaction"),
        secrets.stream().map(s -> s.getMetadata().getNamespace()).collect(Collectors.toSet()));
    Map<String, String> data = decoded(secrets.get(0));
    assertEquals(
        Set.of(
            "prod-replica.url",
            "prod-replica.user",
            "prod-replica.password",
            "staging_db.url",
            "staging_db.user",
            "staging_db.password"),
        data.keySet());
    assertEquals(
        "jdbc:postgresql://replica.db.internal:5433/shop?sslmode=verify-full",
        data.get("prod-replica.url"));
    assertEquals(
        "jdbc:postgresql://staging.db.internal:5432/shop_twin?sslmode=require",
        data.get("staging_db.url"));
    assertEquals("planted-password-replica-91ad", data.get("prod-replica.password"));
  }

  @Test
  void workerPodsReadEveryCredentialBySecretKeyRef() {
    Container worker = workerContainer(production);
    Map<String, EnvVar> env =
        worker.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    for (String prefix : List.of("VEIL_CONN_PROD_REPLICA", "VEIL_CONN_STAGING_DB")) {
      for (String field : List.of("URL", "USER", "PASSWORD")) {
        EnvVar var = env.get(prefix + "_" + field);
        assertNotNull(var, prefix + "_" + field);
        assertNull(var.getValue(), "no literal value");
        assertEquals("veil-agent-connections", var.getValueFrom().getSecretKeyRef().getName());
      }
    }
    assertEquals(
        "prod-replica.password",
        env.get("VEIL_CONN_PROD_REPLICA_PASSWORD").getValueFrom().getSecretKeyRef().getKey());
    assertEquals(
        "masking-key", env.get("VEIL_MASKING_KEY").getValueFrom().getSecretKeyRef().getKey());
    assertEquals(
        "veil-cloud-token",
        env.get("VEIL_CLOUD_TOKEN").getValueFrom().getSecretKeyRef().getName());
    assertEquals("${VEIL_CLOUD_TOKEN:-}", agentConfig(production).at("/cloud/token").asText());
    JsonNode connection = agentConfig(production).at("/connections/prod-replica");
    assertEquals("${VEIL_CONN_PROD_REPLICA_PASSWORD}", connection.get("password").asText());
    assertEquals("${VEIL_CONN_PROD_REPLICA_URL}", connection.get("url").asText());
  }

  @Test
  void theRenderedConfigurationIsOneTheAgentAcceptsAndResolvesToTheSecrets() throws Exception {
    // the agent of this version has only the local executor
    List<HasMetadata> objects =
        Chart.parse(Chart.template(PRODUCTION, Map.of("executor.type", "local")));
    VeilConfiguration configuration = agentConfiguration(objects, "veil-agent");
    ConnectionSettings replica = configuration.connectionSettings().get("prod-replica");
    assertEquals(
        "jdbc:postgresql://replica.db.internal:5433/shop?sslmode=verify-full", replica.url());
    assertEquals("veil_reader", replica.user());
    assertEquals("planted-password-replica-91ad", replica.password());
    assertTrue(configuration.getMasking().build().isPresent());
    assertTrue(configuration.getTemporal().getTls().isEnabled());
    assertEquals(
        "/etc/veil/temporal-tls/tls.key", configuration.getTemporal().getTls().getClientKeyPath());
  }

  @Test
  void resourcesNodeSelectorAndTolerationsFlowToWorkersAndRedactionPods() {
    PodSpec pod = ofKind(production, Deployment.class).get(0).getSpec().getTemplate().getSpec();
    assertEquals(Map.of("veil.dev/pool", "agents"), pod.getNodeSelector());
    Toleration toleration = pod.getTolerations().get(0);
    assertEquals("agents", toleration.getValue());
    assertEquals("NoSchedule", toleration.getEffect());
    assertEquals(
        new Quantity("1"), workerContainer(production).getResources().getRequests().get("cpu"));
    assertEquals(
        new Quantity("2Gi"), workerContainer(production).getResources().getLimits().get("memory"));
    assertEquals(
        List.of("regcred"), pod.getImagePullSecrets().stream().map(r -> r.getName()).toList());

    JsonNode executor = agentConfig(production).at("/executor");
    assertEquals("kubernetes", executor.get("type").asText());
    JsonNode k8s = executor.get("kubernetes");
    assertEquals("veil-redaction", k8s.get("namespace").asText());
    assertEquals("registry.example.com/veil:0.1.0", k8s.get("image").asText());
    assertEquals("2Gi", k8s.at("/resources/requests/memory").asText());
    assertEquals("3", k8s.at("/resources/limits/cpu").asText());
    assertEquals("16Gi", k8s.at("/maxResources/memory").asText());
    assertEquals("redaction", k8s.at("/nodeSelector/veil.dev~1pool").asText());
    assertEquals("redaction", k8s.at("/tolerations/0/value").asText());
    assertEquals("batch-low", k8s.get("priorityClassName").asText());
    assertEquals(6, k8s.get("maxConcurrentPods").asInt());
    assertEquals(7200, k8s.get("activeDeadlineSeconds").asInt());
    assertEquals("15m", k8s.get("pendingTimeout").asText());
    assertEquals("veil-agent-connections", k8s.get("connectionSecret").asText());
    assertEquals("veil-agent-masking-key", k8s.at("/maskingKeySecret/name").asText());
    assertEquals("masking-key", k8s.at("/maskingKeySecret/key").asText());
    assertEquals("regcred", k8s.at("/imagePullSecrets/0").asText());
  }

  @Test
  void workersAreHardenedProbedAndShutDownGracefully() {
    Deployment deployment = ofKind(production, Deployment.class).get(0);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container worker = workerContainer(production);
    assertEquals(3, deployment.getSpec().getReplicas());
    assertTrue(pod.getTerminationGracePeriodSeconds() > 30);
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertTrue(worker.getSecurityContext().getReadOnlyRootFilesystem());
    assertFalse(worker.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), worker.getSecurityContext().getCapabilities().getDrop());
    assertEquals("/ping", worker.getLivenessProbe().getHttpGet().getPath());
    assertEquals("admin", worker.getLivenessProbe().getHttpGet().getPort().getStrVal());
    assertEquals("/healthcheck", worker.getReadinessProbe().getHttpGet().getPath());
    assertEquals(List.of("server", "-c", "/etc/veil/config/veil.yml"), worker.getArgs());
    assertTrue(
        worker.getVolumeMounts().stream()
            .anyMatch(m -> m.getMountPath().equals("/etc/veil/temporal-tls")));
    assertEquals(
        "temporal-client-cert",
        pod.getVolumes().stream()
            .filter(v -> v.getName().equals("temporal-tls"))
            .findFirst()
            .orElseThrow()
            .getSecret()
            .getSecretName());
    NetworkPolicy policy = ofKind(production, NetworkPolicy.class).get(0);
    assertEquals(
        "http", policy.getSpec().getIngress().get(0).getPorts().get(0).getPort().getStrVal());
  }

  @Test
  void aChangedPasswordOrConfigurationRollsTheWorkers() {
    Map<String, String> before = podAnnotations(production);
    Map<String, String> rotated =
        podAnnotations(
            Chart.parse(
                Chart.template(
                    PRODUCTION, Map.of("connections.staging_db.password", "rotated-pw-1"))));
    Map<String, String> reconfigured =
        podAnnotations(
            Chart.parse(Chart.template(PRODUCTION, Map.of("worker.maxConcurrentTasks", 6))));
    assertNotEquals(before.get("checksum/secret"), rotated.get("checksum/secret"));
    assertEquals(before.get("checksum/config"), rotated.get("checksum/config"));
    assertNotEquals(before.get("checksum/config"), reconfigured.get("checksum/config"));
  }

  @Test
  void existingSecretReplacesTheChartsConnectionSecret() {
    List<HasMetadata> objects =
        Chart.parse(
            Chart.template(
                PRODUCTION,
                Map.of(
                    "connectionsExistingSecret", "my-db-credentials",
                    "masking.existingSecret", "my-masking-key")));
    assertTrue(ofKind(objects, Secret.class).isEmpty());
    Map<String, EnvVar> env =
        workerContainer(objects).getEnv().stream()
            .collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertEquals(
        "my-db-credentials",
        env.get("VEIL_CONN_STAGING_DB_PASSWORD").getValueFrom().getSecretKeyRef().getName());
    assertEquals(
        "my-masking-key", env.get("VEIL_MASKING_KEY").getValueFrom().getSecretKeyRef().getName());
  }

  @Test
  void validateValuesNamesEveryPlaceholderLeft() throws Exception {
    Path values = Files.createTempFile("veil-values", ".yaml");
    Files.writeString(
        values,
        """
        temporal:
          address: changeme:7233
        connections:
          shop:
            host: db.internal
            database: shop
            user: veil
            password: changeme-too
        """);
    Exception e = assertThrows(Exception.class, () -> Chart.template(values, Map.of()));
    assertTrue(e.getMessage().contains("still \"changeme\" placeholders"), e.getMessage());
    assertTrue(e.getMessage().contains("temporal.address"), e.getMessage());
    assertTrue(e.getMessage().contains("connections.shop.password"), e.getMessage());
  }

  @Test
  void connectionNamesThatCollideAsEnvironmentVariablesAreRefused() throws Exception {
    Path values = Files.createTempFile("veil-values", ".yaml");
    Files.writeString(
        values,
        """
        connections:
          shop-db: {host: a, database: shop, user: u, password: p1}
          shop_db: {host: b, database: shop, user: u, password: p2}
        """);
    Exception e = assertThrows(Exception.class, () -> Chart.template(values, Map.of()));
    assertTrue(
        e.getMessage().contains("map to the same environment variables VEIL_CONN_SHOP_DB_*"),
        e.getMessage());
  }

  @Test
  void namesDoNotStutterWhenTheReleaseIsCalledVeil() {
    assertEquals("veil-agent", ofKind(defaults, Deployment.class).get(0).getMetadata().getName());
    assertEquals("veil-agent", ofKind(defaults, Service.class).get(0).getMetadata().getName());
  }

  @Test
  void aTaskOnlyDeploymentPollsOnlyTheTaskQueueAndScalesWithAnHpa() {
    List<HasMetadata> objects =
        Chart.parse(
            Chart.template(
                PRODUCTION,
                Map.of(
                    "tasksWorker.enabled", true,
                    "tasksWorker.maxConcurrentTasks", 8,
                    "tasksWorker.autoscaling.enabled", true,
                    "tasksWorker.autoscaling.maxReplicas", 12)));
    Deployment tasks = deployment(objects, "veil-agent-tasks");
    assertNull(tasks.getSpec().getReplicas(), "the HPA owns the replicas");
    assertEquals(
        "tasks-worker", tasks.getSpec().getSelector().getMatchLabels().get(COMPONENT));
    Map<String, EnvVar> env = env(tasks);
    assertEquals("tasks", env.get("VEIL_WORKER_ROLE").getValue());
    assertEquals("8", env.get("VEIL_MAX_CONCURRENT_TASKS").getValue());
    // the agents keep polling both queues, and no Service sends API calls to task-only workers
    Deployment agents = deployment(objects, "veil-agent");
    assertEquals(3, agents.getSpec().getReplicas());
    assertFalse(env(agents).containsKey("VEIL_WORKER_ROLE"));
    assertEquals("worker", service(objects, "veil-agent").getSpec().getSelector().get(COMPONENT));
    HorizontalPodAutoscaler hpa = ofKind(objects, HorizontalPodAutoscaler.class).get(0);
    assertEquals("veil-agent-tasks", hpa.getSpec().getScaleTargetRef().getName());
    assertEquals(12, hpa.getSpec().getMaxReplicas());
    assertEquals("cpu", hpa.getSpec().getMetrics().get(0).getResource().getName());
    // the role and the slots reach the agent's configuration through the environment
    JsonNode config = agentConfig(objects);
    assertEquals("${VEIL_WORKER_ROLE:-all}", config.at("/worker/role").asText());
    assertEquals("${VEIL_MAX_CONCURRENT_TASKS:-4}", config.at("/worker/maxConcurrentTasks").asText());
    // without the switch there is neither
    assertTrue(ofKind(production, HorizontalPodAutoscaler.class).isEmpty());
    assertEquals(1, ofKind(production, Deployment.class).size());
  }

  @Test
  void theApiTokenComesFromAnExistingSecretOrTheChartsOwn() {
    Map<String, EnvVar> existing =
        env(
            deployment(
                Chart.parse(
                    Chart.template(
                        PRODUCTION,
                        Map.of(
                            "api.existingSecret", "veil-api",
                            "api.existingSecretKey", "bearer"))),
                "veil-agent"));
    assertEquals(
        "veil-api", existing.get("VEIL_API_TOKEN").getValueFrom().getSecretKeyRef().getName());
    assertEquals(
        "bearer", existing.get("VEIL_API_TOKEN").getValueFrom().getSecretKeyRef().getKey());

    String token = "planted-api-token-5be1d0";
    List<HasMetadata> own =
        Chart.parse(Chart.template(PRODUCTION, Map.of("api.token", token)));
    Secret secret =
        ofKind(own, Secret.class).stream()
            .filter(s -> s.getMetadata().getName().equals("veil-agent-api-token"))
            .findFirst()
            .orElseThrow();
    assertEquals(token, decoded(secret).get("token"));
    EnvVar var = env(deployment(own, "veil-agent")).get("VEIL_API_TOKEN");
    assertEquals("veil-agent-api-token", var.getValueFrom().getSecretKeyRef().getName());
    assertEquals("${VEIL_API_TOKEN:-}", agentConfig(own).at("/api/token").asText());
    for (HasMetadata object : own) {
      if (!(object instanceof Secret)) {
        assertFalse(Serialization.asYaml(object).contains(token), object.getMetadata().getName());
      }
    }
    // no token: no variable, so the agent's own default applies
    assertFalse(env(deployment(production, "veil-agent")).containsKey("VEIL_API_TOKEN"));
  }

  @Test
  void theAdminPortIsInTheServiceAndAServiceMonitorScrapesPrometheusMetrics() {
    List<HasMetadata> objects =
        Chart.parse(
            Chart.template(
                PRODUCTION,
                Map.of(
                    "metrics.serviceMonitor.enabled", true,
                    "metrics.serviceMonitor.labels.release", "prom",
                    "tasksWorker.enabled", true)));
    Service service = service(objects, "veil-agent");
    assertTrue(
        service.getSpec().getPorts().stream()
            .anyMatch(p -> p.getName().equals("admin") && p.getPort() == 8081),
        service.getSpec().getPorts().toString());
    GenericKubernetesResource monitor =
        objects.stream()
            .filter(o -> o.getKind().equals("ServiceMonitor"))
            .map(GenericKubernetesResource.class::cast)
            .findFirst()
            .orElseThrow();
    assertEquals("prom", monitor.getMetadata().getLabels().get("release"));
    Map<String, Object> endpoint =
        ((List<Map<String, Object>>) ((Map<String, Object>) monitor.getAdditionalProperties()
                .get("spec"))
            .get("endpoints"))
            .get(0);
    assertEquals("admin", endpoint.get("port"));
    assertEquals("/metrics/prometheus", endpoint.get("path"));
    // both Services it selects carry the label it selects on
    Map<String, String> selector =
        (Map<String, String>)
            ((Map<String, Object>)
                    ((Map<String, Object>) monitor.getAdditionalProperties().get("spec"))
                        .get("selector"))
                .get("matchLabels");
    for (String name : List.of("veil-agent", "veil-agent-tasks")) {
      Map<String, String> labels = service(objects, name).getMetadata().getLabels();
      selector.forEach((k, v) -> assertEquals(v, labels.get(k), name + " " + k));
    }
  }

  @Test
  void extraEnvFromVolumesAndADigestReachTheWorkers() {
    String digest = "sha256:" + "ab".repeat(32);
    List<HasMetadata> objects =
        Chart.parse(
            Chart.template(
                PRODUCTION,
                Map.of(
                    "image.digest", digest,
                    "agent.extraEnvFrom[0].secretRef.name", "veil-extra",
                    "extraVolumes[0].name", "ca",
                    "extraVolumes[0].configMap.name", "corporate-ca",
                    "extraVolumeMounts[0].name", "ca",
                    "extraVolumeMounts[0].mountPath", "/etc/ssl/corporate")));
    Container worker = workerContainer(objects);
    assertTrue(worker.getImage().endsWith("@" + digest), worker.getImage());
    assertEquals("veil-extra", worker.getEnvFrom().get(0).getSecretRef().getName());
    assertTrue(
        worker.getVolumeMounts().stream()
            .anyMatch(m -> m.getName().equals("ca") && m.getMountPath().equals("/etc/ssl/corporate")));
    assertTrue(
        deployment(objects, "veil-agent").getSpec().getTemplate().getSpec().getVolumes().stream()
            .anyMatch(
                v -> v.getName().equals("ca")
                    && v.getConfigMap().getName().equals("corporate-ca")));
  }

  @Test
  void helmTestCallsTheHealthCheckThroughTheService() {
    Pod test = ofKind(Chart.parse(Chart.templateHooks(Map.of())), Pod.class).get(0);
    assertEquals("test", test.getMetadata().getAnnotations().get("veil.dev/helm-hook"));
    List<String> command = test.getSpec().getContainers().get(0).getCommand();
    assertEquals("http://veil-agent:8081/healthcheck", command.get(command.size() - 1));
    assertTrue(
        test.getSpec().getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem());
    assertTrue(
        Chart.parse(Chart.templateHooks(Map.of("tests.enabled", false))).stream()
            .noneMatch(o -> o instanceof Pod));
  }

  private static final String COMPONENT = "app.kubernetes.io/component";

  private static Deployment deployment(List<HasMetadata> objects, String name) {
    return ofKind(objects, Deployment.class).stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Deployment " + name));
  }

  private static Service service(List<HasMetadata> objects, String name) {
    return ofKind(objects, Service.class).stream()
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Service " + name));
  }

  private static Map<String, EnvVar> env(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  /**
   * The configuration the agent of Deployment {@code deployment} loads: the ConfigMap's veil.yml with
   * the container's environment (Secrets decoded, plain values as they are).
   */
  private static VeilConfiguration agentConfiguration(List<HasMetadata> objects, String deployment)
      throws Exception {
    Map<String, String> secrets = new HashMap<>();
    ofKind(objects, Secret.class).forEach(s -> secrets.putAll(decoded(s)));
    Map<String, String> env = new HashMap<>();
    for (EnvVar var : env(deployment(objects, deployment)).values()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
        String value = secrets.get(var.getValueFrom().getSecretKeyRef().getKey());
        if (value != null) {
          env.put(var.getName(), value);
        }
      }
    }
    String veilYml = configMap(objects).getData().get("veil.yml");
    return new YamlConfigurationFactory<>(
            VeilConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
        .build(
            new SubstitutingSourceProvider(
                path -> new ByteArrayInputStream(veilYml.getBytes(StandardCharsets.UTF_8)),
                new StringSubstitutor(env)),
            "veil.yml");
  }

  @Test
  void theTaskOnlyWorkerLoadsAsATaskOnlyWorkerAndJsonLogsAreAccepted() throws Exception {
    List<HasMetadata> objects =
        Chart.parse(
            Chart.template(
                PRODUCTION,
                Map.of(
                    "tasksWorker.enabled", true,
                    "tasksWorker.maxConcurrentTasks", 8,
                    "agent.logFormat", "json")));
    VeilConfiguration tasks = agentConfiguration(objects, "veil-agent-tasks");
    assertTrue(tasks.getWorker().settings(false).tasksOnly());
    assertEquals(8, tasks.getWorker().settings(false).maxConcurrentTasks());
    VeilConfiguration agents = agentConfiguration(objects, "veil-agent");
    assertFalse(agents.getWorker().settings(false).tasksOnly());
    assertEquals(4, agents.getWorker().settings(false).maxConcurrentTasks());
    io.dropwizard.logging.common.DefaultLoggingFactory logging =
        (io.dropwizard.logging.common.DefaultLoggingFactory) agents.getLoggingFactory();
    io.dropwizard.logging.common.ConsoleAppenderFactory<?> console =
        (io.dropwizard.logging.common.ConsoleAppenderFactory<?>) logging.getAppenders().get(0);
    assertTrue(
        console.getLayout() instanceof io.dropwizard.logging.json.EventJsonLayoutBaseFactory json
            && json.isFlattenMdc(),
        String.valueOf(console.getLayout()));
  }

  private static Map<String, String> podAnnotations(List<HasMetadata> objects) {
    return ofKind(objects, Deployment.class)
        .get(0)
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations();
  }

  private static Map<String, String> decoded(Secret secret) {
    Map<String, String> data = new HashMap<>();
    secret
        .getData()
        .forEach(
            (k, v) ->
                data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return data;
  }

  static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static Container workerContainer(List<HasMetadata> objects) {
    return ofKind(objects, Deployment.class)
        .get(0)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  private static ConfigMap configMap(List<HasMetadata> objects) {
    return ofKind(objects, ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().endsWith("-config"))
        .findFirst()
        .orElseThrow();
  }

  private static JsonNode agentConfig(List<HasMetadata> objects) {
    try {
      return YAML.readTree(configMap(objects).getData().get("veil.yml"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
