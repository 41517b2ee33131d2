package dev.veil.activities.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.activities.config.ConfigActivitiesImpl;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.executor.LocalTaskExecutor;
import dev.veil.activities.executor.TaskActivitiesImpl;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.scrub.Scrubber;
import dev.veil.activities.RunActivities;
import dev.veil.activities.testing.FakeCloudApi;
import dev.veil.activities.testing.SampleDatabases;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.Veil;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.PipelineRunWorkflowImpl;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TableOptions;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.TargetSpec;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real runs on PostgreSQL reporting to a cloud API test server through {@link
 * CloudReportingActivities}: events in order with the right counts, a scrubbed log tail on failure,
 * and a run that succeeds with the API down.
 */
class CloudReportingIT {

  private static final Logger leaky = LoggerFactory.getLogger("dev.veil.test.Leaky");
  private static final int CUSTOMERS = 1500;
  private static final String TOKEN = "cloud-token-PLANTED-9f8e";
  private static final String PASSWORD = "pg-password-PLANTED-4711";
  private static final String MASKING_KEY = "masking-key-PLANTED-0123456789";
  private static SampleDatabases databases;
  private static ConnectionSettings sourceDb;
  private static ConnectionSettings targetDb;

  private final RecentLogs recent = new RecentLogs(500);
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          recent.add(event.getLoggerName() + " " + event.getFormattedMessage());
        }
      };
  private TestWorkflowEnvironment env;
  private FakeCloudApi api;

  @BeforeAll
  static void databases() throws SQLException {
    databases = SampleDatabases.create("veil_report", CUSTOMERS);
    sourceDb = databases.source();
    targetDb = databases.target();
  }

  @AfterAll
  static void dropDatabases() {
    databases.close();
  }

  @AfterEach
  void stop() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
        .detachAppender(appender);
    if (env != null) {
      env.close();
    }
    if (api != null) {
      api.close();
    }
  }

  /** A worker with the real activities, reporting to {@code url}; runs {@code spec}. */
  private PipelineRunWorkflow worker(URI url, PipelineSpec spec, String runId) {
    appender.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
        .addAppender(appender);
    // the planted password is in the connection settings (trust auth ignores it)
    ConnectionSettings src =
        new ConnectionSettings(sourceDb.url(), sourceDb.user(), PASSWORD, sourceDb.properties());
    ConnectionRegistry registry = new ConnectionRegistry(Map.of("src", src, "tgt", targetDb));
    CloudApiClient client =
        new CloudApiClient(
            new CloudApiClient.Settings(url, TOKEN, Duration.ofSeconds(2), 1, Duration.ofMillis(10)));
    Scrubber scrubber = new Scrubber().secrets(List.of(PASSWORD, TOKEN, MASKING_KEY));
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(Veil.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class);
    PipelineSource source =
        new PipelineSource() {
          @Override
          public List<String> ids() {
            return List.of(spec.id());
          }

          @Override
          public Optional<PipelineSpec> find(String id) {
            return Optional.of(spec);
          }
        };
    java.util.List<Object> activities =
        new java.util.ArrayList<>(
            RunActivities.workflowSide(registry, null, MaskingKey.of(MASKING_KEY), null));
    activities.add(new ConfigActivitiesImpl(source));
    activities.add(new CloudReportingActivities(client, recent, scrubber));
    worker.registerActivitiesImplementations(activities.toArray());
    env.newWorker(Veil.TABLE_TASK_QUEUE)
        .registerActivitiesImplementations(
            RunActivities.tasks(new LocalTaskExecutor(registry, MaskingKey.of(MASKING_KEY))));
    env.start();
    return env.getWorkflowClient()
        .newWorkflowStub(
            PipelineRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(Veil.TASK_QUEUE)
                .setWorkflowId(runId)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                .build());
  }

  private static PipelineSpec spec(String id, TablesSpec tables) {
    Map<String, RuleSpec> rules =
        tables != null && tables.include() != null
            ? Map.of("public.customers.email", RuleSpec.of("email"))
            : Map.of("public.customers.email", RuleSpec.of("email"),
                "public.orders.customer_email", RuleSpec.of("email"));
    return new PipelineSpec(id, "v1", null, 2, null, new SourceSpec("src", List.of("public")),
        new TargetSpec("tgt"), tables, rules, null, null, null, null, null,
        // these runs pass phones through on purpose: the leak check warns, and its signed report
        // says so
        new dev.veil.workflows.spec.VerifySpec(dev.veil.workflows.spec.VerifySpec.VerifyMode.warn,
            null, null));
  }

  private static List<JsonNode> events(FakeCloudApi api, String runId) {
    List<JsonNode> list = new ArrayList<>();
    for (FakeCloudApi.Received r : api.posts("/v1/runs/" + runId + "/events")) {
      list.add(r.json());
    }
    return list;
  }

  @Test
  void realRunPostsItsEventsInOrderWithCountsThatAddUp() throws Exception {
    api = new FakeCloudApi(TOKEN);
    String runId = "veil-run-events-1";
    // chunks of 1000 rows: customers 2 chunks, orders 3, audit_log 1
    RunSummary summary =
        worker(api.url(), spec("events", new TablesSpec(null, null, null, 1000L)), runId)
            .run(new PipelineRunInput("events", null, true));
    assertEquals(RunState.SUCCEEDED, summary.state());

    List<JsonNode> events = events(api, runId);
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i + 1, events.get(i).get("seq").asInt(), "arrival order: " + events);
    }
    List<String> types = events.stream().map(e -> e.get("type").asText()).toList();
    assertEquals("RUN_STARTED", types.get(0));
    assertEquals("RUN_SUCCEEDED", types.get(types.size() - 1));
    long started = types.stream().filter("TASK_STARTED"::equals).count();
    long succeeded = types.stream().filter("TASK_SUCCEEDED"::equals).count();
    assertTrue(started >= 3, types.toString());
    assertEquals(started, succeeded, types.toString());
    long rows =
        events.stream()
            .filter(e -> e.get("type").asText().equals("TASK_SUCCEEDED"))
            .mapToLong(e -> e.get("rows").asLong())
            .sum();
    assertEquals(CUSTOMERS * 3L + 1, rows, "every row counted once");
    assertEquals(summary.rows(), events.get(events.size() - 1).get("rows").asLong());
    assertTrue(api.posts("/logs").isEmpty());

    // the signed privacy report, posted once, byte for byte as signed: it verifies under the
    // report key derived from the masking key, and holds neither a secret nor a source value
    List<FakeCloudApi.Received> reports = api.posts("/v1/runs/" + runId + "/report");
    assertEquals(1, reports.size(), api.received().toString());
    String report = reports.get(0).body();
    assertTrue(dev.veil.activities.verify.PrivacyReport.verify(
        report.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        dev.veil.activities.verify.PrivacyReport.reportKey(MaskingKey.of(MASKING_KEY))), report);
    assertEquals("leaks_found_warned", reports.get(0).json().get("verdict").asText(), report);
    assertEquals(runId, reports.get(0).json().get("run").asText());
    assertFalse(report.contains(MASKING_KEY), report);
    assertFalse(report.contains(PASSWORD), report);
    // canaries: no source e-mail or phone in anything posted (events, report) or logged
    StringBuilder everything = new StringBuilder();
    api.received().forEach(r -> everything.append(r.body()).append('\n'));
    recent.tail(runId, 100_000).forEach(line -> everything.append(line).append('\n'));
    String all = everything.toString();
    try (Connection c = TestPostgres.connect(sourceDb);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT email, phone FROM customers")) {
      while (rs.next()) {
        assertFalse(all.contains(rs.getString(1)), "a source e-mail was posted or logged");
        if (rs.getString(2) != null) {
          assertFalse(all.contains(rs.getString(2)), "a source phone was posted or logged");
        }
      }
    }
  }

  @Test
  void failingTaskUploadsALogTailWithoutCredentialsOrSourceValues() throws Exception {
    api = new FakeCloudApi(TOKEN);
    String runId = "veil-run-failing-1";
    String pii;
    try (Connection c = TestPostgres.connect(sourceDb);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT email FROM customers ORDER BY id LIMIT 1")) {
      rs.next();
      pii = rs.getString(1);
    }
    // division by zero at COPY time: EXPLAIN at plan time accepts the filter
    TablesSpec failing =
        new TablesSpec(
            List.of("public.customers"), null,
            Map.of("public.customers", new TableOptions("1 / (id - id) = 1", null, null)), null);
    PipelineRunWorkflow run = worker(api.url(), spec("failing", failing), runId);
    // a careless log line of this run that holds a password, the masking key and a source value
    leaky.warn(
        "run={} connecting jdbc:postgresql://u:{}@db/x password={} key {} saw '{}' and {}",
        runId, PASSWORD, PASSWORD, MASKING_KEY, pii, pii);
    assertThrows(WorkflowFailedException.class, () -> run.run(new PipelineRunInput("failing", null, true)));

    List<FakeCloudApi.Received> logs = api.posts("/v1/runs/" + runId + "/logs");
    assertEquals(1, logs.size());
    String upload = logs.get(0).body();
    assertTrue(upload.contains("public.customers#0"), upload);
    assertTrue(upload.contains("division by zero"), upload);
    assertTrue(upload.contains("dev.veil.test.Leaky"), "the run's own lines are in the tail");
    for (String secret : List.of(PASSWORD, MASKING_KEY, TOKEN, pii, pii.split("@")[0])) {
      assertFalse(upload.contains(secret), "leaked into the log tail: " + secret + " in " + upload);
    }
    List<String> types =
        events(api, runId).stream().map(e -> e.get("type").asText()).toList();
    assertTrue(types.contains("TASK_FAILED"), types.toString());
    assertEquals("RUN_FAILED", types.get(types.size() - 1));
  }

  @Test
  void runSucceedsWhileTheApiIsDown() throws Exception {
    FakeCloudApi down = new FakeCloudApi(TOKEN);
    URI url = down.url();
    down.close();
    RunSummary summary =
        worker(url, spec("offline", null), "veil-run-offline-1").run(new PipelineRunInput("offline", null, true));
    assertEquals(RunState.SUCCEEDED, summary.state());
    assertEquals(CUSTOMERS * 3L + 1, summary.rows());
  }
}
