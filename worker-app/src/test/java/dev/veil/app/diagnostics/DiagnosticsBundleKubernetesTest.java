package dev.veil.app.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.config.LocalFolderPipelineSource;
import dev.veil.activities.scrub.Scrubber;
import dev.veil.app.core.TemporalClients;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventListBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Inside a cluster the bundle lists the namespace's pods and events and includes the logs of the
 * Veil pods (workers and redaction pods, by label) only, scrubbed; without permission to read
 * events it says how to grant it. The API server is fabric8's mock server; Temporal is unreachable,
 * which the bundle reports instead of failing.
 */
@EnableKubernetesMockClient
class DiagnosticsBundleKubernetesTest {

  private static final String PASSWORD = "planted-password-in-pod-log-19c";

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void podsEventsAndVeilPodLogsAreCollectedAndScrubbed() throws Exception {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/veil/pods")
        .andReturn(
            200,
            new PodListBuilder()
                .withItems(
                    pod("veil-veil-agent-7d9f-x1", "app.kubernetes.io/part-of", "veil"),
                    pod("veil-run-shop-1-t3-a1", "app.kubernetes.io/managed-by", "veil-agent"),
                    pod("unrelated-app-0", "app.kubernetes.io/part-of", "shop"))
                .build())
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/veil/events")
        .andReturn(
            200,
            new EventListBuilder()
                .addToItems(
                    new EventBuilder()
                        .withNewMetadata()
                        .withName("e1")
                        .endMetadata()
                        .withType("Warning")
                        .withReason("FailedScheduling")
                        .withMessage("0/3 nodes are available: insufficient memory")
                        .withNewInvolvedObject()
                        .withKind("Pod")
                        .withName("veil-run-shop-1-t3-a1")
                        .endInvolvedObject()
                        .build())
                .build())
        .always();
    for (String pod : List.of("veil-veil-agent-7d9f-x1", "veil-run-shop-1-t3-a1")) {
      server
          .expect()
          .get()
          .withPath("/api/v1/namespaces/veil/pods/" + pod + "/log?pretty=false&tailLines=1000")
          .andReturn(200, pod + " started\nretrying with password=" + PASSWORD + "\n"
              + "ERROR Key (email)=(ann@shop.example) already exists, row 'Ann Lee'\n")
          .always();
    }

    Map<String, String> entries = bundle(new Scrubber());

    String pods = entries.get("kubernetes/pods.txt");
    assertTrue(pods.contains("veil-veil-agent-7d9f-x1 phase=Running"), pods);
    assertTrue(pods.contains("unrelated-app-0"), pods);
    assertTrue(
        entries
            .get("kubernetes/events.txt")
            .contains("Warning FailedScheduling Pod/veil-run-shop-1-t3-a1"),
        entries.get("kubernetes/events.txt"));
    // pod logs may carry what other code printed of a row: it goes, the rest stays readable
    assertEquals(
        "veil-run-shop-1-t3-a1 started\nretrying with password=***\n"
            + "ERROR Key (***)=(***) already exists, row '***'\n",
        entries.get("kubernetes/logs/veil-run-shop-1-t3-a1.log"));
    assertTrue(entries.containsKey("kubernetes/logs/veil-veil-agent-7d9f-x1.log"));
    assertFalse(entries.containsKey("kubernetes/logs/unrelated-app-0.log"));
    assertTrue(entries.get("temporal.txt").contains("reachable: no"), entries.get("temporal.txt"));
    entries.forEach((name, text) -> assertFalse(text.contains(PASSWORD), name));
  }

  @Test
  void forbiddenEventsSayHowToGrantThem() throws Exception {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/veil/pods")
        .andReturn(200, new PodListBuilder().build())
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/veil/events")
        .andReturn(403, "forbidden")
        .always();

    Map<String, String> entries = bundle(new Scrubber());

    assertTrue(
        entries.get("kubernetes/events.txt").contains("rbac.allowEventsRead=true"),
        entries.get("kubernetes/events.txt"));
  }

  private Map<String, String> bundle(Scrubber scrubber) throws Exception {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (TemporalClients unreachable =
        TemporalClients.lazy("127.0.0.1:1", "default", Duration.ofSeconds(1))) {
      new DiagnosticsBundle(scrubber, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
          .write(
              new DiagnosticsBundle.Sources(
                  "temporal:\n  address: 127.0.0.1:1\n",
                  unreachable,
                  new LocalFolderPipelineSource(Path.of("does-not-exist")),
                  List.of(),
                  Optional.empty(),
                  Optional.of(client),
                  "veil",
                  List.of("app.kubernetes.io/part-of=veil", "app.kubernetes.io/managed-by=veil-agent")),
              zip);
    }
    Map<String, String> entries = new LinkedHashMap<>();
    try (ZipInputStream in =
        new ZipInputStream(new ByteArrayInputStream(zip.toByteArray()), StandardCharsets.UTF_8)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return entries;
  }

  private static Pod pod(String name, String label, String value) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("veil")
        .addToLabels(label, value)
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }
}
