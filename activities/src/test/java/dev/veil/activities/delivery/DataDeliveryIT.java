package dev.veil.activities.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.executor.TaskExecutor;
import dev.veil.activities.testing.GatedTaskExecutor;
import dev.veil.activities.testing.RunHarness;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.activities.testing.TestS3;
import dev.veil.workflows.plan.DeliveryPlan;
import dev.veil.workflows.run.CancelRequest;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import dev.veil.workflows.spec.DeliverySpec;
import dev.veil.workflows.spec.DeliverySpec.DeliveryCompression;
import dev.veil.workflows.spec.DeliverySpec.DeliveryFormat;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.TargetSpec;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.security.MessageDigest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Data delivery end to end: real PostgreSQL, Temporal's test server, Veil's real run activities,
 * a real S3 server (S3Proxy, see {@link TestS3}) or a local folder. Delivered files are read back
 * by DuckDB's JDBC driver, a reader independent of Veil's writers, and compared value by value with
 * the masked twin that the same spec builds.
 */
class DataDeliveryIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCESS_KEY = "veil-test-access";
  /** Planted: must appear in no log line, workflow history, summary or manifest. */
  private static final String SECRET_KEY = "CANARY-s3-secret-" + UUID.randomUUID();
  private static final String BUCKET = "deliveries";

  private static ConnectionSettings source;
  private static TestS3 s3;
  private static DeliveryStorages storages;
  private static ListAppender<ILoggingEvent> logs;

  private RunHarness harness;
  private ConnectionSettings twin;

  /**
   * Every supported type, a masked email, a type delivered as text (interval), NULLs in every
   * column, and a bigger table split into several chunks.
   */
  @BeforeAll
  static void start() throws Exception {
    source = TestPostgres.createDatabase("veil_delivery_src");
    try (Connection c = TestPostgres.connect(source);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA app");
      s.execute("""
          CREATE TABLE app.kinds (
            id integer PRIMARY KEY, small smallint, big bigint, r real, d double precision,
            amount numeric(12,2), huge numeric(30,5), free numeric, email text,
            name varchar(40), flag boolean, payload bytea, ref uuid, day date,
            at_local timestamp, at_utc timestamptz, doc json, docb jsonb, nums integer[],
            tags text[], span interval)""");
      s.execute("""
          INSERT INTO app.kinds
          SELECT i, (i % 300)::smallint, i::bigint * 10000000000, i / 4.0, i / 3.0,
                 (i * 12.34)::numeric(12,2), (i * 1234567890123.45678)::numeric(30,5),
                 (i / 7.0)::numeric, 'person' || i || '@example.org', 'Name ' || i, i % 2 = 0,
                 decode(lpad(to_hex(i), 8, '0'), 'hex'), md5(i::text)::uuid,
                 date '2024-02-28' + i, timestamp '2024-03-01 12:34:56.789012' + i * interval '1 h',
                 timestamptz '2024-03-01 12:00:00+02' + i * interval '1 min',
                 json_build_object('i', i, 's', 'x' || i), jsonb_build_object('k', i),
                 ARRAY[i, NULL, i + 1], ARRAY['a' || i, 'b'], i * interval '1 day 2 min'
          FROM generate_series(1, 60) i""");
      s.execute("INSERT INTO app.kinds (id) VALUES (1000)");
      s.execute("INSERT INTO app.kinds (id, name, nums, tags) VALUES (1001, '', '{}', '{}')");
      s.execute("INSERT INTO app.kinds (id, amount, day, at_local, at_utc) VALUES"
          + " (1002, 'NaN', 'infinity', '-infinity', 'infinity')");
      s.execute("CREATE TABLE app.events (id bigint PRIMARY KEY, note text)");
      s.execute("INSERT INTO app.events SELECT i, repeat('n', 200) || i"
          + " FROM generate_series(1, 20000) i");
      s.execute("ANALYZE");
    }
    s3 = new TestS3(ACCESS_KEY, SECRET_KEY);
    s3.createBucket(BUCKET);
    storages = new DeliveryStorages(Map.of("test-s3",
        new StorageSettings(s3.endpoint(), "us-east-1", ACCESS_KEY, SECRET_KEY, true),
        "wrong-secret",
        new StorageSettings(s3.endpoint(), "us-east-1", ACCESS_KEY, SECRET_KEY + "-wrong", true)));
    logs = new ListAppender<>();
    logs.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logs);
    // this module has no logging configuration: without one, S3Proxy's Jetty and jclouds log
    // every request at DEBUG
    root.setLevel(Level.INFO);
    for (String noisy : List.of("org.gaul", "org.jclouds", "io.temporal", "io.grpc",
        "org.apache.hadoop", "org.apache.parquet")) {
      ((Logger) LoggerFactory.getLogger(noisy)).setLevel(Level.WARN);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    s3.close();
    TestPostgres.dropDatabase(source);
  }

  @AfterEach
  void close() throws SQLException {
    if (harness != null) {
      harness.close();
    }
    if (twin != null) {
      TestPostgres.dropDatabases(twin.database());
    }
  }

  private void harness(java.util.function.UnaryOperator<TaskExecutor> wrap) {
    twin = source.withDatabase("veil_delivery_twin_" + ProcessHandle.current().pid());
    harness = new RunHarness(source, twin, storages, wrap);
  }

  private static PipelineSpec spec(String id, TargetSpec target) {
    return new PipelineSpec(id, "v7", null, 2, null, new SourceSpec("src", List.of("app")),
        target, new TablesSpec(null, null, null, 5000L),
        Map.of("app.kinds.email", RuleSpec.of("email")), null, null, null, null, null, null);
  }

  private static TargetSpec delivery(String to, DeliveryFormat format,
      DeliveryCompression compression, Integer keep, String storage) {
    return TargetSpec.delivery(new DeliverySpec(to, format, compression, keep, storage));
  }

  @Test
  void parquetInS3HoldsEveryRowAndValueOfTheMaskedTwinWithTypedColumns(@TempDir Path dir)
      throws Exception {
    harness(executor -> executor);
    RunSummary twinRun = harness.run(spec("kinds-twin", new TargetSpec("tgt")),
        "veil-run-kinds-twin-1");
    assertEquals(RunState.SUCCEEDED, twinRun.state(), String.valueOf(twinRun.warnings()));
    RunSummary run = harness.run(spec("kinds", delivery("s3://" + BUCKET + "/exports",
        DeliveryFormat.parquet, DeliveryCompression.zstd, null, "test-s3")), "veil-run-kinds-1");
    assertEquals(RunState.SUCCEEDED, run.state(), String.valueOf(run.warnings()));

    try (DeliveryStorage storage = storages.open("test-s3", "s3://" + BUCKET + "/exports")) {
      JsonNode manifest = JSON.readTree(storage.get("kinds/veil-run-kinds-1/manifest.json")
          .orElseThrow());
      assertEquals("v7", manifest.path("specVersion").asText());
      assertTrue(manifest.path("snapshotTime").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"),
          manifest.toString());
      JsonNode latest = JSON.readTree(storage.get("kinds/latest.json").orElseThrow());
      assertEquals("veil-run-kinds-1/manifest.json", latest.path("manifest").asText());
      // nothing of the run's bookkeeping is left beside the published files
      assertTrue(storage.list("kinds/veil-run-kinds-1/").stream()
          .noneMatch(k -> k.contains("/_veil/")), storage.list("kinds/").toString());

      Map<String, JsonNode> tables = new HashMap<>();
      manifest.path("tables").forEach(t -> tables.put(t.path("table").asText(), t));
      assertEquals(List.of("id:integer", "small:smallint", "big:bigint", "r:real",
          "d:double precision", "amount:numeric(12,2)", "huge:numeric(30,5)", "free:numeric",
          "email:text", "name:character varying(40)", "flag:boolean", "payload:bytea",
          "ref:uuid", "day:date", "at_local:timestamp without time zone",
          "at_utc:timestamp with time zone", "doc:json", "docb:jsonb", "nums:integer[]",
          "tags:text[]", "span:interval"), columns(tables.get("kinds")));
      assertTrue(tables.get("events").path("files").size() > 1,
          "the bigger table is split into chunks: " + tables.get("events"));
      assertEquals(20000, tables.get("events").path("rows").asLong());

      // every file: listed once, with the bytes and sha256 of what is stored
      List<String> parts = new ArrayList<>();
      for (JsonNode table : manifest.path("tables")) {
        for (JsonNode file : table.path("files")) {
          byte[] content =
              storage.get("kinds/veil-run-kinds-1/" + file.path("path").asText()).orElseThrow();
          assertEquals(file.path("bytes").asLong(), content.length);
          assertEquals(file.path("sha256").asText(), HexFormat.of().formatHex(
              MessageDigest.getInstance("SHA-256").digest(content)));
          Path local = dir.resolve(file.path("path").asText());
          Files.createDirectories(local.getParent());
          Files.write(local, content);
          parts.add(file.path("path").asText());
        }
      }
      assertEquals(parts.size(), storage.list("kinds/veil-run-kinds-1/").size() - 1,
          "every stored file but the manifest is listed in it");
    }

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      String kinds = "read_parquet('" + dir.resolve("app.kinds") + "/*.parquet')";
      assertEquals(Map.ofEntries(
              Map.entry("id", "INTEGER"), Map.entry("small", "SMALLINT"),
              Map.entry("big", "BIGINT"), Map.entry("r", "FLOAT"), Map.entry("d", "DOUBLE"),
              Map.entry("amount", "DECIMAL(12,2)"), Map.entry("huge", "DECIMAL(30,5)"),
              Map.entry("free", "VARCHAR"), Map.entry("email", "VARCHAR"),
              Map.entry("name", "VARCHAR"), Map.entry("flag", "BOOLEAN"),
              Map.entry("payload", "BLOB"), Map.entry("ref", "UUID"), Map.entry("day", "DATE"),
              Map.entry("at_local", "TIMESTAMP"),
              Map.entry("at_utc", "TIMESTAMP WITH TIME ZONE"), Map.entry("doc", "VARCHAR"),
              Map.entry("docb", "VARCHAR"), Map.entry("nums", "INTEGER[]"),
              Map.entry("tags", "VARCHAR[]"), Map.entry("span", "VARCHAR")),
          describe(duck, kinds));

      List<String> delivered = rows(duck, "SELECT " + String.join(", ", duckExpressions())
          + " FROM " + kinds + " ORDER BY id");
      List<String> masked;
      List<String> original;
      try (Connection pg = TestPostgres.connect(twin);
          Connection src = TestPostgres.connect(source)) {
        masked = rows(pg, "SELECT " + String.join(", ", pgExpressions())
            + " FROM app.kinds WHERE id <> 1002 ORDER BY id");
        original = rows(src, "SELECT " + String.join(", ", pgExpressions())
            + " FROM app.kinds WHERE id <> 1002 ORDER BY id");
      }
      // NaN and ±infinity have no Parquet decimal, date or timestamp: they are NULL
      assertEquals(List.of("null|null|null|null"), rows(duck,
          "SELECT amount, day, at_local, at_utc FROM " + kinds + " WHERE id = 1002"));
      delivered = delivered.stream().filter(r -> !r.startsWith("1002|")).toList();
      assertEquals(62, delivered.size());
      for (int i = 0; i < masked.size(); i++) {
        assertEquals(masked.get(i), delivered.get(i), "row " + i);
      }
      assertNotEquals(original, masked, "the email column is masked");

      long events = scalar(duck, "SELECT count(DISTINCT id) FROM read_parquet('"
          + dir.resolve("app.events") + "/*.parquet')");
      assertEquals(20000, events);
    }
    assertNoCanary(run);
  }

  @Test
  void csvAndJsonLinesInAFolderAreReadBackWithTheirCompressions(@TempDir Path dir)
      throws Exception {
    harness(executor -> executor);
    String to = dir.toUri().toString();
    RunSummary csv = harness.run(spec("kinds-csv", delivery(to, DeliveryFormat.csv,
        DeliveryCompression.gzip, null, null)), "veil-run-kinds-csv-1");
    assertEquals(RunState.SUCCEEDED, csv.state(), String.valueOf(csv.warnings()));
    RunSummary jsonl = harness.run(spec("kinds-jsonl", delivery(to, DeliveryFormat.jsonl,
        DeliveryCompression.zstd, null, null)), "veil-run-kinds-jsonl-1");
    assertEquals(RunState.SUCCEEDED, jsonl.state(), String.valueOf(jsonl.warnings()));
    Path csvRun = dir.resolve("kinds-csv/veil-run-kinds-csv-1");
    Path jsonlRun = dir.resolve("kinds-jsonl/veil-run-kinds-jsonl-1");
    assertTrue(Files.exists(csvRun.resolve("app.kinds/part-00000.csv.gz")));
    assertTrue(Files.exists(jsonlRun.resolve("app.kinds/part-00000.jsonl.zst")));

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      String csvKinds = "read_csv('" + csvRun.resolve("app.kinds") + "/*.csv.gz', header = true,"
          + " all_varchar = true, allow_quoted_nulls = false)";
      // NULL is an empty field, an empty string is quoted: they stay apart
      assertEquals(List.of("1000|true|false", "1001|false|true", "1002|true|false"),
          rows(duck, "SELECT id, name IS NULL, coalesce(name = '', false) FROM " + csvKinds
              + " WHERE id::int >= 1000 ORDER BY id::int"));
      assertEquals(List.of("7|86.38|\\x00000007|[7,null,8]|2024-03-01T10:07:00Z"),
          rows(duck, "SELECT id, amount, payload, nums, at_utc FROM " + csvKinds
              + " WHERE id = '7'"));
      String jsonKinds = "read_json('" + jsonlRun.resolve("app.kinds")
          + "/*.jsonl.zst', format = 'newline_delimited')";
      assertEquals(List.of("7|86.38|7|true|{\"i\":7,\"s\":\"x7\"}"),
          rows(duck, "SELECT id, amount, docb.k, flag IS NOT NULL, to_json(doc) FROM "
              + jsonKinds + " WHERE id = 7"));
      assertEquals(20000, scalar(duck, "SELECT count(*) FROM read_json('"
          + jsonlRun.resolve("app.events") + "/*.jsonl.zst', format = 'newline_delimited')"));
      assertEquals(20000, scalar(duck, "SELECT count(*) FROM read_csv('"
          + csvRun.resolve("app.events") + "/*.csv.gz', header = true)"));
    }
  }

  @Test
  void aCancelledRunLeavesNoManifestAndNoFiles() throws Exception {
    GatedTaskExecutor[] gate = new GatedTaskExecutor[1];
    harness(executor -> gate[0] = new GatedTaskExecutor(executor,
        task -> task.table().equals("kinds")));
    String to = "s3://" + BUCKET + "/cancel";
    PipelineSpec spec = spec("cancelme", delivery(to, DeliveryFormat.parquet,
        DeliveryCompression.zstd, null, "test-s3"));
    harness.define(spec);
    PipelineRunWorkflow run = harness.stub("veil-run-cancelme-1");
    WorkflowClient.start(run::run, PipelineRunInput.of(spec.id()));
    gate[0].awaitWaiting();
    try (DeliveryStorage storage = storages.open("test-s3", to)) {
      // the other table's parts are written while the gated chunk holds: there is something to
      // clean up
      awaitTrue(() -> list(storage, "cancelme/").stream().anyMatch(k -> k.contains("part-")));
      // and are all done: the cancel then meets only the gated chunk, which cannot complete in
      // the same instant (Temporal's Java test server stalls a run whose activity cancel races
      // the activity's completion: ACTIVITY_UNKNOWN)
      awaitTrue(() -> run.progress().tables().stream()
          .filter(t -> t.table().equals("app.events"))
          .allMatch(t -> t.chunksTotal() > 0 && t.chunksDone() == t.chunksTotal()));
      run.cancel(new CancelRequest("test"));
      RunSummary summary =
          WorkflowStub.fromTyped(run).getResult(3, java.util.concurrent.TimeUnit.MINUTES,
              RunSummary.class);
      assertEquals(RunState.CANCELLED, summary.state());
      assertEquals(List.of(), storage.list("cancelme/"));
    } finally {
      gate[0].open();
    }
  }

  @Test
  void aRetriedChunkOverwritesItsPartInsteadOfAddingOne(@TempDir Path dir) throws Exception {
    Map<String, AtomicBoolean> failedOnce = new ConcurrentHashMap<>();
    harness(executor -> (task, attempt, progress) -> {
      var result = executor.run(task, attempt, progress);
      if (failedOnce.computeIfAbsent(task.taskId(), t -> new AtomicBoolean()).compareAndSet(
          false, true)) {
        // the part is uploaded; the worker is lost before Temporal hears of it
        throw new IOException("connection reset after the upload");
      }
      return result;
    });
    String to = dir.toUri().toString();
    RunSummary run = harness.run(spec("retried", delivery(to, DeliveryFormat.parquet,
        DeliveryCompression.zstd, null, null)), "veil-run-retried-1");
    assertEquals(RunState.SUCCEEDED, run.state(), String.valueOf(run.warnings()));
    assertTrue(failedOnce.size() > 2, "every chunk failed once: " + failedOnce.keySet());
    JsonNode manifest = JSON.readTree(dir.resolve("retried/veil-run-retried-1/manifest.json")
        .toFile());
    int listed = 0;
    for (JsonNode table : manifest.path("tables")) {
      listed += table.path("files").size();
    }
    try (var files = Files.walk(dir.resolve("retried/veil-run-retried-1"))) {
      List<Path> parts = files.filter(p -> p.getFileName().toString().startsWith("part-"))
          .toList();
      assertEquals(failedOnce.size(), parts.size(), parts.toString());
      assertEquals(listed, parts.size());
    }
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      assertEquals(20000, scalar(duck, "SELECT count(*) FROM read_parquet('"
          + dir.resolve("retried/veil-run-retried-1/app.events") + "/*.parquet')"));
    }
  }

  @Test
  void olderDeliveriesBeyondKeepAreDeletedAfterThePublish(@TempDir Path dir) throws Exception {
    harness(executor -> executor);
    String to = dir.toUri().toString();
    PipelineSpec spec = spec("kept", delivery(to, DeliveryFormat.csv, DeliveryCompression.none,
        2, null));
    for (int i = 1; i <= 3; i++) {
      assertEquals(RunState.SUCCEEDED, harness.run(spec, "veil-run-kept-" + i).state());
    }
    try (var runs = Files.list(dir.resolve("kept"))) {
      assertEquals(List.of("latest.json", "veil-run-kept-2", "veil-run-kept-3"),
          runs.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals("veil-run-kept-3", JSON.readTree(dir.resolve("kept/latest.json").toFile())
        .path("runId").asText());
  }

  @Test
  void aStorageThatRefusesTheCredentialsFailsTheRunWithoutTheSecretAnywhere() throws Exception {
    harness(executor -> executor);
    PipelineSpec spec = spec("refused", delivery("s3://" + BUCKET + "/refused",
        DeliveryFormat.parquet, DeliveryCompression.zstd, null, "wrong-secret"));
    harness.define(spec);
    PipelineRunWorkflow run = harness.stub("veil-run-refused-1");
    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> run.run(PipelineRunInput.of(spec.id())));
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failed; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
    }
    assertTrue(messages.toString().contains("HTTP 403"), messages.toString());
    assertFalse(messages.toString().contains(SECRET_KEY));
    assertNoCanary(null);
  }

  // ---- helpers

  /** The secret key is in no log line, no workflow history of this harness, no summary. */
  private void assertNoCanary(RunSummary summary) throws Exception {
    for (ILoggingEvent event : logs.list) {
      assertFalse(event.getFormattedMessage().contains(SECRET_KEY), "log line holds the secret");
      if (event.getThrowableProxy() != null) {
        assertFalse(event.getThrowableProxy().getMessage() != null
            && event.getThrowableProxy().getMessage().contains(SECRET_KEY));
      }
    }
    if (summary != null) {
      assertFalse(JSON.writeValueAsString(summary).contains(SECRET_KEY));
    }
    var service = harness.environment().getWorkflowServiceStubs().blockingStub();
    var executions = service.listClosedWorkflowExecutions(
        io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest.newBuilder()
            .setNamespace(harness.environment().getNamespace()).build());
    assertFalse(executions.getExecutionsList().isEmpty());
    for (var info : executions.getExecutionsList()) {
      WorkflowExecution execution = info.getExecution();
      String history = harness.client().fetchHistory(execution.getWorkflowId(),
          execution.getRunId()).toJson(false);
      assertFalse(history.contains(SECRET_KEY), "history of " + execution.getWorkflowId());
      assertFalse(history.contains(ACCESS_KEY), "history of " + execution.getWorkflowId());
    }
  }

  private static List<String> columns(JsonNode table) {
    List<String> out = new ArrayList<>();
    table.path("columns").forEach(c -> out.add(c.path("name").asText() + ":"
        + c.path("type").asText()));
    return out;
  }

  /** Each column as comparable text, on PostgreSQL's side. */
  private static List<String> pgExpressions() {
    return List.of("id", "small", "big", "r::float8", "d", "amount", "huge", "free::text",
        "email", "name", "flag", "upper(encode(payload, 'hex'))", "ref::text", "day::text",
        "(extract(epoch FROM at_local) * 1000000)::bigint",
        "(extract(epoch FROM at_utc) * 1000000)::bigint", "doc::text", "docb::text",
        "array_to_json(nums)::text", "array_to_json(tags)::text", "span::text");
  }

  /** The same columns as comparable text, on DuckDB's side, from the delivered files. */
  private static List<String> duckExpressions() {
    return List.of("id", "small", "big", "r::double", "d", "amount", "huge", "free", "email",
        "name", "flag", "hex(payload)", "ref::varchar", "day::varchar", "epoch_us(at_local)",
        "epoch_us(at_utc)", "doc", "docb", "to_json(nums)::varchar", "to_json(tags)::varchar",
        "span");
  }

  private static Map<String, String> describe(Connection c, String from) throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + from)) {
      while (rs.next()) {
        types.put(rs.getString(1), rs.getString(2));
      }
    }
    return types;
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          if (i > 1) {
            row.append('|');
          }
          Object v = rs.getObject(i);
          row.append(v instanceof java.math.BigDecimal d ? d.toPlainString() : v);
        }
        out.add(row.toString());
      }
    }
    return out;
  }

  private static long scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> list(DeliveryStorage storage, String prefix) {
    try {
      return storage.list(prefix);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for a condition, at most two minutes. */
  private static void awaitTrue(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within two minutes");
      }
      Thread.sleep(100);
    }
  }
}
