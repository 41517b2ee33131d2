package dev.veil.activities.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.veil.activities.RunActivities;
import dev.veil.activities.config.ConfigActivitiesImpl;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.executor.LocalTaskExecutor;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.Veil;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.PipelineRunWorkflowImpl;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TargetSpec;
import dev.veil.workflows.spec.VerifySpec;
import dev.veil.workflows.spec.VerifySpec.VerifyMode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliberate leaks through whole runs (real workflow, real activities, real PostgreSQL): each is
 * caught with the right column and count, the run stops before the swap and the old twin stays;
 * a clean run with short codes raises nothing; {@code warn} swaps with the findings as warnings.
 * Source values are canaries ({@code @canary.test} addresses, {@code +1 555 77…} phones): none may
 * appear in a failure message, a warning or the workflow history.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeakCheckIT {

  private static final int CUSTOMERS = 300;
  private static final MaskingKey KEY = MaskingKey.of("leak-test-key-0123456789");
  private static final String CANARY_DOMAIN = "canary.test";
  private static final String CANARY_PHONE = "555 77";

  private ConnectionSettings sourceDb;
  private ConnectionSettings targetDb;
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final Map<String, PipelineSpec> specs = new HashMap<>();
  private final AtomicInteger runs = new AtomicInteger();

  /** Every log line of the tests (message, arguments and exception text), for the canaries. */
  private final StringBuffer logged = new StringBuffer();
  private final AppenderBase<ILoggingEvent> logCapture = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      logged.append(event.getFormattedMessage()).append('\n');
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        logged.append(t.getMessage()).append('\n');
      }
    }
  };

  @BeforeAll
  void captureLogs() {
    logCapture.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
        .addAppender(logCapture);
  }

  @AfterAll
  void stopCapturingLogs() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
        .detachAppender(logCapture);
  }

  @BeforeAll
  void databases() throws SQLException {
    sourceDb = TestPostgres.createDatabase("veil_leak_src");
    targetDb = TestPostgres.createDatabase("veil_leak_tgt");
    try (Connection c = TestPostgres.connect(sourceDb); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL UNIQUE,"
          + " full_name text NOT NULL, phone text, gender char(1), country char(2))");
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL"
          + " REFERENCES customers (id), customer_email text NOT NULL, status text NOT NULL,"
          + " note text, meta jsonb)");
      s.execute("INSERT INTO customers SELECT g, 'buyer' || g || '@" + CANARY_DOMAIN + "',"
          + " 'Zorblat Quexington' || g, '+1 " + CANARY_PHONE + "' || lpad(g::text, 4, '0'),"
          + " CASE WHEN g % 2 = 0 THEN 'M' ELSE 'F' END,"
          + " (ARRAY['US','DE','FR'])[g % 3 + 1] FROM generate_series(1, " + CUSTOMERS + ") g");
      // two orders per customer; every 10th note names the buyer's e-mail and phone; every 4th
      // meta document holds the buyer's e-mail in a nested leaf
      s.execute("INSERT INTO orders SELECT c.id * 2 + k, c.id, c.email,"
          + " (ARRAY['shipped','open','returned'])[k + 1],"
          + " CASE WHEN (c.id * 2 + k) % 10 = 0"
          + "   THEN 'please call me at ' || c.phone || ' or write to ' || c.email || ', thanks'"
          + "   ELSE 'leave it at the door' END,"
          + " CASE WHEN (c.id * 2 + k) % 4 = 0"
          + "   THEN jsonb_build_object('channel', 'web', 'contact', jsonb_build_object("
          + "     'emails', jsonb_build_array(c.email)))"
          + "   ELSE jsonb_build_object('channel', 'store') END"
          + " FROM customers c, generate_series(0, 1) k");
      s.execute("ANALYZE");
    }
  }

  @AfterAll
  void dropDatabases() throws SQLException {
    TestPostgres.dropDatabase(sourceDb);
    TestPostgres.dropDatabases(targetDb.database());
  }

  @BeforeEach
  void startWorker() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(Veil.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class);
    ConnectionRegistry registry =
        new ConnectionRegistry(Map.of("src", sourceDb, "tgt", targetDb));
    PipelineSource source = new PipelineSource() {
      @Override
      public List<String> ids() {
        return List.copyOf(specs.keySet());
      }

      @Override
      public Optional<PipelineSpec> find(String id) {
        return Optional.ofNullable(specs.get(id));
      }
    };
    List<Object> activities =
        new ArrayList<>(RunActivities.workflowSide(registry, null, KEY, null));
    activities.add(new ConfigActivitiesImpl(source));
    worker.registerActivitiesImplementations(activities.toArray());
    env.newWorker(Veil.TABLE_TASK_QUEUE)
        .registerActivitiesImplementations(
            RunActivities.tasks(new LocalTaskExecutor(registry, KEY)));
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  /** Every identifying column masked, free text and documents nulled, short codes passed. */
  private static Map<String, RuleSpec> cleanRules() {
    Map<String, RuleSpec> rules = new HashMap<>();
    rules.put("public.customers.email", RuleSpec.of("email"));
    rules.put("public.customers.full_name", RuleSpec.of("full_name"));
    rules.put("public.customers.phone", RuleSpec.of("phone"));
    rules.put("public.orders.customer_email", RuleSpec.of("email"));
    rules.put("public.orders.note", RuleSpec.of("null"));
    rules.put("public.orders.meta", RuleSpec.of("null"));
    return rules;
  }

  private static Map<String, RuleSpec> without(String column) {
    Map<String, RuleSpec> rules = cleanRules();
    rules.remove(column);
    return rules;
  }

  private RunSummary run(Map<String, RuleSpec> rules, VerifyMode mode) {
    String id = "leak" + runs.incrementAndGet();
    specs.put(id, new PipelineSpec(id, "v1", null, 2, null,
        new SourceSpec("src", List.of("public")), new TargetSpec("tgt"), null, rules, null, null,
        null, null, null, new VerifySpec(mode == null ? VerifyMode.fail : mode, null, null)));
    PipelineRunWorkflow run = client.newWorkflowStub(PipelineRunWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(Veil.TASK_QUEUE)
            .setWorkflowId("veil-run-" + id).setWorkflowExecutionTimeout(Duration.ofMinutes(5))
            .build());
    try {
      return run.run(PipelineRunInput.of(id));
    } finally {
      String history = client.fetchHistory("veil-run-" + id).toJson(false);
      assertFalse(history.contains(CANARY_DOMAIN), "a source e-mail reached the history");
      assertFalse(history.contains(CANARY_PHONE), "a source phone reached the history");
      String logs = logged.toString();
      assertTrue(logs.contains("leak check done pipeline=" + id), "the check's logs were seen");
      assertFalse(logs.contains(CANARY_DOMAIN), "a source e-mail reached the logs");
      assertFalse(logs.contains(CANARY_PHONE), "a source phone reached the logs");
    }
  }

  /** Runs a leaky spec; returns the failure message after checking the old twin stayed. */
  private String leak(Map<String, RuleSpec> rules) throws SQLException {
    cleanTwin();
    String before = twinState();
    WorkflowFailedException failed =
        org.junit.jupiter.api.Assertions.assertThrows(WorkflowFailedException.class,
            () -> run(rules, null));
    ApplicationFailure failure = (ApplicationFailure) failed.getCause();
    assertEquals(FailureTypes.LEAK_FOUND, failure.getType(), failure.getOriginalMessage());
    String message = failure.getOriginalMessage();
    assertFalse(message.contains(CANARY_DOMAIN), message);
    assertFalse(message.contains(CANARY_PHONE), message);
    assertEquals(before, twinState(), "the old twin stays exactly as it was");
    assertEquals(List.of(), TestPostgres.databasesLike(targetDb.database() + "\\_\\_veil\\_%"),
        "the build database was dropped");
    return message;
  }

  private boolean cleanTwinDone;

  private void cleanTwin() {
    if (!cleanTwinDone) {
      assertEquals(RunState.SUCCEEDED, run(cleanRules(), null).state());
      cleanTwinDone = true;
    }
  }

  @Test
  void cleanRunWithEveryRuleOnAndShortCodesPassedRaisesNothing() throws SQLException {
    RunSummary summary = run(cleanRules(), null);
    cleanTwinDone = true;

    assertEquals(RunState.SUCCEEDED, summary.state());
    assertTrue(summary.warnings().stream().noneMatch(w -> w.contains("leak check")),
        summary.warnings().toString());
    assertEquals(0L, scalar("SELECT count(*) FROM customers WHERE email LIKE '%" + CANARY_DOMAIN
        + "'"));
    // the signed privacy report is kept in the twin: it verifies, names the key by fingerprint
    // and carries no source value
    String report = text("SELECT report FROM _veil.privacy_reports WHERE run_id = 'veil-run-"
        + specs.keySet().stream().filter(k -> k.startsWith("leak")).max(
            java.util.Comparator.comparingInt(k -> Integer.parseInt(k.substring(4)))).get()
        + "'");
    assertTrue(PrivacyReport.verify(report.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        PrivacyReport.reportKey(KEY)), report);
    assertTrue(report.contains("\"verdict\" : \"clean\""), report);
    assertTrue(report.contains(KEY.fingerprint()), report);
    assertTrue(report.contains("\"rows\" : 600"), report);
    assertFalse(report.contains(CANARY_DOMAIN), report);
    assertFalse(report.contains(CANARY_PHONE), report);
  }

  private String text(String sql) throws SQLException {
    try (Connection c = TestPostgres.connect(targetDb); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void emailMaskedInCustomersButPassedThroughInOrdersIsCaught() throws SQLException {
    String message = leak(without("public.orders.customer_email"));
    assertTrue(message.contains("public.orders.customer_email: 600 source values of"
        + " public.customers.email"), message);
  }

  @Test
  void emailInAJsonbPassthroughColumnIsCaught() throws SQLException {
    String message = leak(without("public.orders.meta"));
    // 600 orders, every 4th holds its buyer's address in a nested array
    assertTrue(message.contains("public.orders.meta: 150 source values of public.customers.email"),
        message);
    assertTrue(message.contains("public.orders.meta: 150 values that look like email"), message);
  }

  @Test
  void emailAndPhoneInFreeTextAreCaught() throws SQLException {
    String message = leak(without("public.orders.note"));
    // every 10th of 600 notes names its buyer's e-mail and phone
    assertTrue(message.contains("public.orders.note: 60 source values of public.customers.email"),
        message);
    assertTrue(message.contains("public.orders.note: 60 source values of public.customers.phone"),
        message);
    assertTrue(message.contains("public.orders.note: 60 values that look like email"), message);
  }

  @Test
  void sourceValueCopiedByAConstantPerRowTemplateIsCaught() throws SQLException {
    Map<String, RuleSpec> rules = cleanRules();
    rules.put("public.customers.full_name",
        new RuleSpec("constant_per_row", Map.of("template", "{{row.full_name}}")));
    String message = leak(rules);
    assertTrue(message.contains("public.customers.full_name: 300 source values of"
        + " public.customers.full_name"), message);
  }

  @Test
  void columnAddedToTheSourceAfterTheSpecWasWrittenIsCaught() throws SQLException {
    cleanTwin();
    try (Connection c = TestPostgres.connect(sourceDb); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE customers ADD COLUMN backup_contact text");
      s.execute("UPDATE customers SET backup_contact = email WHERE id % 3 = 0");
    }
    try {
      String message = leak(cleanRules());
      assertTrue(message.contains("public.customers.backup_contact: 100 source values of"
          + " public.customers.email"), message);
    } finally {
      try (Connection c = TestPostgres.connect(sourceDb); Statement s = c.createStatement()) {
        s.execute("ALTER TABLE customers DROP COLUMN backup_contact");
      }
    }
  }

  @Test
  void warnModeSwapsAndReportsTheFindings() throws SQLException {
    RunSummary summary = run(without("public.orders.customer_email"), VerifyMode.warn);

    assertEquals(RunState.SUCCEEDED, summary.state());
    assertTrue(summary.warnings().stream().anyMatch(w -> w.contains(
        "public.orders.customer_email: 600 source values of public.customers.email")),
        summary.warnings().toString());
    assertEquals(600L, scalar("SELECT count(*) FROM orders WHERE customer_email LIKE '%"
        + CANARY_DOMAIN + "'"), "warn lets the run swap the twin in");
    String report = text("SELECT report FROM _veil.privacy_reports");
    assertTrue(report.contains("\"verdict\" : \"leaks_found_warned\""), report);
    assertTrue(report.contains("\"sourceColumn\" : \"public.customers.email\""), report);
    cleanTwinDone = false;
  }

  @Test
  void offModeSkipsTheCheck() throws SQLException {
    RunSummary summary = run(without("public.orders.customer_email"), VerifyMode.off);
    assertEquals(RunState.SUCCEEDED, summary.state());
    cleanTwinDone = false;
  }

  private String twinState() throws SQLException {
    return scalar("SELECT count(*) FROM orders") + "/"
        + scalar("SELECT sum(hashtext(customer_email || coalesce(note, '')))::bigint FROM orders");
  }

  private long scalar(String sql) throws SQLException {
    try (Connection c = TestPostgres.connect(targetDb); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
