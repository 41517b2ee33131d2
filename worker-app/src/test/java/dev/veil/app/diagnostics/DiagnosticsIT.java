package dev.veil.app.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.app.testing.CliRunner;
import dev.veil.app.testing.CliRunner.Result;
import dev.veil.temporaldev.DevTemporalServer;
import dev.veil.workflows.Veil;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil diagnostics} against a port-bound Temporal dev server with a run in it: the zip has
 * the version, the configuration, Temporal connectivity, the run's state and the worker log, and a
 * password and a masking key planted in the configuration, in a JDBC URL and in the log file appear
 * in none of its entries.
 */
class DiagnosticsIT {

  private static final String PASSWORD = "planted-db-password-5d1e";
  private static final String URL_PASSWORD = "planted-url-password-77ab";
  private static final String MASKING_KEY = "planted-masking-key-0c9f3b";
  private static final String RUN_ID = Veil.runWorkflowId("shop", "20260101-000000");

  private static DevTemporalServer temporal;
  private static WorkflowServiceStubs stubs;

  @TempDir static Path directory;

  @BeforeAll
  static void temporalWithARun() {
    temporal = DevTemporalServer.start(0);
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    // no worker polls: the run stays RUNNING
    client
        .newUntypedWorkflowStub(
            Veil.PIPELINE_RUN_WORKFLOW_TYPE,
            WorkflowOptions.newBuilder()
                .setTaskQueue(Veil.TASK_QUEUE)
                .setWorkflowId(RUN_ID)
                .build())
        .start(Map.of("pipelineId", "shop"));
  }

  @AfterAll
  static void stop() {
    stubs.shutdownNow();
    temporal.close();
  }

  @Test
  void bundleHasEveryPartAndNoPlantedSecret() throws Exception {
    Path pipelines = Files.createDirectories(directory.resolve("pipelines"));
    Files.writeString(
        pipelines.resolve("shop.yaml"),
        """
        source: {connection: shop-source}
        target: {connection: shop-target}
        """);
    Path log = directory.resolve("veil.log");
    Files.writeString(
        log,
        "INFO connecting to jdbc:postgresql://db.internal:5432/shop?user=veil&password="
            + URL_PASSWORD
            + "\nWARN someone logged the key "
            + MASKING_KEY
            + " and password="
            + PASSWORD
            + "\n");
    Path config = directory.resolve("veil.yml");
    Files.writeString(
        config,
        """
        temporal:
          address: %s
          devServer: true
        pipelines:
          directory: %s
        masking:
          key: %s
        connections:
          shop-source:
            url: jdbc:postgresql://db.internal:5432/shop?user=veil&password=%s
          shop-target:
            url: jdbc:postgresql://twin.internal:5432/shop
            user: veil
            password: %s
        logging:
          level: WARN
          appenders:
            - type: file
              currentLogFilename: %s
              archive: false
        """
            .formatted(temporal.address(), pipelines, MASKING_KEY, URL_PASSWORD, PASSWORD, log));
    Path zip = directory.resolve("bundle.zip");

    Result result =
        CliRunner.run(
            "diagnostics", "-c", config.toString(), "--out", zip.toString(), "--run", RUN_ID);
    assertEquals(0, result.code(), result::toString);
    assertFalse(result.out().contains(PASSWORD) || result.err().contains(PASSWORD));

    Map<String, String> entries = read(zip);
    assertEquals(
        java.util.Set.of(
            "version.txt",
            "config.yml",
            "temporal.txt",
            "workflows.txt",
            "logs/veil.log",
            "kubernetes/README.txt"),
        entries.keySet());
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      for (String secret : new String[] {PASSWORD, URL_PASSWORD, MASKING_KEY}) {
        assertFalse(
            entry.getValue().contains(secret),
            () -> entry.getKey() + " holds a secret:\n" + entry.getValue());
      }
    }
    byte[] raw = Files.readAllBytes(zip);
    for (String secret : new String[] {PASSWORD, URL_PASSWORD, MASKING_KEY}) {
      assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains(secret));
    }

    assertTrue(entries.get("version.txt").startsWith("veil agent "), entries.get("version.txt"));
    String configYml = entries.get("config.yml");
    assertTrue(configYml.contains("jdbc:postgresql://twin.internal:5432/shop"), configYml);
    assertTrue(configYml.contains("jdbc:postgresql://db.internal:5432/shop?***"), configYml);
    assertTrue(
        configYml.contains("password: '***'") || configYml.contains("password: \"***\""),
        configYml);
    assertTrue(entries.get("temporal.txt").contains("reachable: yes"), entries.get("temporal.txt"));
    String workflows = entries.get("workflows.txt");
    assertTrue(workflows.contains("== pipeline shop"), workflows);
    assertTrue(workflows.contains(RUN_ID + " PipelineRun RUNNING"), workflows);
    assertTrue(workflows.contains(Veil.pipelineWorkflowId("shop") + ": not found"), workflows);
    String logText = entries.get("logs/veil.log");
    assertTrue(
        logText.contains("INFO connecting to jdbc:postgresql://db.internal:5432/shop?***"),
        logText);
    assertTrue(logText.contains("WARN someone logged the key *** and password=***"), logText);
  }

  private static Map<String, String> read(Path zip) throws Exception {
    Map<String, String> entries = new LinkedHashMap<>();
    try (InputStream file = Files.newInputStream(zip);
        ZipInputStream in = new ZipInputStream(file, StandardCharsets.UTF_8)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return entries;
  }
}
