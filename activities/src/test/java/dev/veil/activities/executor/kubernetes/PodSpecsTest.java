package dev.veil.activities.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.executor.TaskRunner;
import dev.veil.workflows.plan.ChunkRange;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.spec.ResourcesSpec;
import dev.veil.workflows.spec.Toleration;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodSpecsTest {

  private static TableTask task(long rows, ResourcesSpec resources) {
    return new TableTask(
        "shop",
        "veil-run-shop-20261121-063000-with-a-rather-long-suffix-that-breaks-label-limits",
        "public.Order_Items#3",
        "prod-replica",
        "staging-db",
        "staging__veil_b0123456789ab",
        "public",
        "public",
        "Order_Items",
        List.of(),
        null,
        null,
        new ChunkRange(0L, 100L),
        rows,
        resources,
        Map.of("disk", "ssd"),
        List.of(new Toleration("dedicated", "Equal", "veil", "NoSchedule", null)),
        1,
        "0b7a3c1e-4f2d-4a5b-9c8d-7e6f5a4b3c2d");
  }

  private static KubernetesSettings settings(Map<String, Quantity> maxLimits) {
    KubernetesSettings d = KubernetesSettings.defaults("veil", "ghcr.io/acme/veil:1", "veil-db");
    return new KubernetesSettings(
        d.namespace(), d.image(), "IfNotPresent", List.of("regcred"), "veil-runner",
        d.requests(), d.limits(), maxLimits, Map.of("pool", "batch", "disk", "hdd"),
        List.of(new TolerationBuilder().withKey("spot").withOperator("Exists").build()),
        null, "low", 4, 3600, Duration.ofMinutes(10), false, "veil-db", "veil-masking", null,
        1_000_000);
  }

  @Test
  void podsAreOwnedByTheAgentPodOnlyWhenTheyShareItsNamespace() {
    Map<String, String> env =
        Map.of("POD_NAME", "veil-agent-7d9f-x1", "POD_UID", "uid-1", "POD_NAMESPACE", "veil");
    Pod owned =
        PodSpecs.build(
            settings(Map.of()).withOwner(AgentOwner.fromEnvironment(env, "veil").orElseThrow()),
            task(10, null),
            1);
    OwnerReference owner = owned.getMetadata().getOwnerReferences().get(0);
    assertEquals("Pod", owner.getKind());
    assertEquals("veil-agent-7d9f-x1", owner.getName());
    assertEquals("uid-1", owner.getUid());
    assertFalse(owner.getController());
    // owners must share the namespace; outside a pod there is no owner
    assertTrue(AgentOwner.fromEnvironment(env, "redaction").isEmpty());
    assertTrue(AgentOwner.fromEnvironment(Map.of(), "veil").isEmpty());
    assertTrue(
        PodSpecs.build(settings(Map.of()), task(10, null), 1)
            .getMetadata()
            .getOwnerReferences()
            .isEmpty());
  }

  @Test
  void podRunsRunTaskWithCredentialsOnlyFromSecretsAndAHardenedContext() throws Exception {
    TableTask task = task(10, null);
    Pod pod = PodSpecs.build(settings(Map.of()), task, 2);
    Container c = pod.getSpec().getContainers().get(0);

    assertEquals("ghcr.io/acme/veil:1", c.getImage());
    assertEquals(List.of("run-task", "--task"), c.getArgs().subList(0, 2));
    assertEquals(task, TaskRunner.parseTask(c.getArgs().get(2)));
    for (EnvVar env : c.getEnv()) {
      if (env.getName().startsWith("VEIL_SOURCE") || env.getName().startsWith("VEIL_TARGET")
          || env.getName().equals("VEIL_MASKING_KEY")) {
        assertNull(env.getValue(), env.getName() + " must not have a literal value");
        assertTrue(env.getValueFrom().getSecretKeyRef() != null, env.getName());
      }
    }
    Map<String, String> refs = new java.util.HashMap<>();
    c.getEnv().stream().filter(e -> e.getValueFrom() != null).forEach(e -> refs.put(e.getName(),
        e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey()));
    assertEquals("veil-db/prod-replica.url", refs.get("VEIL_SOURCE_URL"));
    assertEquals("veil-db/prod-replica.password", refs.get("VEIL_SOURCE_PASSWORD"));
    assertEquals("veil-db/staging-db.user", refs.get("VEIL_TARGET_USER"));
    assertEquals("veil-masking/masking-key", refs.get("VEIL_MASKING_KEY"));

    assertEquals("Never", pod.getSpec().getRestartPolicy());
    assertEquals(3600L, pod.getSpec().getActiveDeadlineSeconds());
    assertFalse(pod.getSpec().getAutomountServiceAccountToken());
    assertEquals("veil-runner", pod.getSpec().getServiceAccountName());
    assertEquals("low", pod.getSpec().getPriorityClassName());
    assertEquals("regcred", pod.getSpec().getImagePullSecrets().get(0).getName());
    assertTrue(pod.getSpec().getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSpec().getSecurityContext().getSeccompProfile().getType());
    assertTrue(c.getSecurityContext().getReadOnlyRootFilesystem());
    assertFalse(c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
  }

  @Test
  void labelsNameAndPlacementAreDerivedFromTheTaskAndMerged() {
    TableTask task = task(10, null);
    Pod pod = PodSpecs.build(settings(Map.of()), task, 2);
    String name = pod.getMetadata().getName();

    assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && name.length() <= 63, name);
    assertTrue(name.endsWith("-a2"), name);
    assertEquals(name, PodSpecs.build(settings(Map.of()), task, 2).getMetadata().getName());
    assertNotEquals(name, PodSpecs.build(settings(Map.of()), task, 3).getMetadata().getName());
    Map<String, String> labels = pod.getMetadata().getLabels();
    assertEquals("veil", labels.get("app.kubernetes.io/name"));
    assertEquals("redaction-pod", labels.get("app.kubernetes.io/component"));
    assertEquals("veil-agent", labels.get("app.kubernetes.io/managed-by"));
    assertEquals("shop", labels.get("veil.dev/pipeline"));
    for (String value : labels.values()) {
      assertTrue(value.length() <= 63 && value.matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?"),
          value);
    }
    assertEquals(task.runId(), pod.getMetadata().getAnnotations().get("veil.dev/run-id"));
    // the pipeline's node selector wins over the worker's for the same key
    assertEquals(Map.of("pool", "batch", "disk", "ssd"), pod.getSpec().getNodeSelector());
    assertEquals(List.of("spot", "dedicated"),
        pod.getSpec().getTolerations().stream().map(t -> t.getKey()).toList());
    assertEquals("NoSchedule", pod.getSpec().getTolerations().get(1).getEffect());
  }

  @Test
  void resourcesComeFromDefaultsScaleWithRowsUpToTheCapOrFromThePipeline() {
    Map<String, Quantity> cap = Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi"));
    Container small = PodSpecs.build(settings(cap), task(10, null), 1).getSpec().getContainers().get(0);
    assertEquals(new Quantity("1"), small.getResources().getLimits().get("cpu"));
    assertEquals(new Quantity("1Gi"), small.getResources().getLimits().get("memory"));
    assertEquals(new Quantity("500m"), small.getResources().getRequests().get("cpu"));

    // 3M rows at 1M rows per step: three times the default limits, cpu capped at 2
    Container big =
        PodSpecs.build(settings(cap), task(3_000_000, null), 1).getSpec().getContainers().get(0);
    assertEquals(Quantity.getAmountInBytes(new Quantity("2")),
        Quantity.getAmountInBytes(big.getResources().getLimits().get("cpu")));
    assertEquals(Quantity.getAmountInBytes(new Quantity("3Gi")),
        Quantity.getAmountInBytes(big.getResources().getLimits().get("memory")));

    // the pipeline's resources are its pods' requests and limits
    Container own = PodSpecs.build(settings(cap), task(3_000_000, new ResourcesSpec("250m", "256Mi")), 1)
        .getSpec().getContainers().get(0);
    assertEquals(new Quantity("250m"), own.getResources().getLimits().get("cpu"));
    assertEquals(new Quantity("256Mi"), own.getResources().getLimits().get("memory"));
    assertEquals(new Quantity("250m"), own.getResources().getRequests().get("cpu"));
    assertEquals(new Quantity("256Mi"), own.getResources().getRequests().get("memory"));

    // ...but not beyond maxResources: requests follow the capped limits
    Container greedy = PodSpecs.build(settings(cap), task(10, new ResourcesSpec("8", "16Gi")), 1)
        .getSpec().getContainers().get(0);
    assertEquals(new Quantity("2"), greedy.getResources().getLimits().get("cpu"));
    assertEquals(new Quantity("4Gi"), greedy.getResources().getLimits().get("memory"));
    assertEquals(new Quantity("2"), greedy.getResources().getRequests().get("cpu"));
  }

  @Test
  void logTailsLoseSecretsAndQuotedValues() {
    PodOutput out = PodOutput.parse(String.join("\n",
        "{\"rows\":10,\"bytes\":100}",
        "connecting to jdbc:postgresql://db:5432/x?user=a&password=hunter2",
        "login password=hunter2 failed for 'alice@example.com'",
        "{\"error\":\"boom (SQLSTATE 08001)\",\"retryable\":true}"));
    assertEquals(10, out.rows());
    assertEquals("boom (SQLSTATE 08001)", out.error());
    assertTrue(out.retryable());
    assertFalse(out.tail().contains("hunter2"), out.tail());
    assertFalse(out.tail().contains("alice"), out.tail());
    assertTrue(out.tail().contains("jdbc:postgresql://db:5432/x?***"), out.tail());
  }
}
