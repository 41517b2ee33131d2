package dev.veil.activities.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.config.ConfigActivitiesImpl;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.executor.LocalTaskExecutor;
import dev.veil.activities.executor.TaskActivitiesImpl;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.RunActivities;
import dev.veil.activities.testing.GatedTaskExecutor;
import dev.veil.activities.testing.SampleDatabases;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.Veil;
import dev.veil.workflows.run.CancelRequest;
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
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole runs through the real workflow and real activities, against real PostgreSQL databases and
 * Temporal's in-process test server.
 */
class PipelineRunIT {

  private static final int CUSTOMERS = 3000;
  private static SampleDatabases databases;
  private static ConnectionSettings sourceDb;
  private static ConnectionSettings targetDb;

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private GatedTaskExecutor gate;
  private final Map<String, PipelineSpec> specs = new HashMap<>();

  @BeforeAll
  static void databases() throws SQLException {
    databases = SampleDatabases.create("veil_run", CUSTOMERS);
    sourceDb = databases.source();
    targetDb = databases.target();
  }

  @AfterAll
  static void dropDatabases() {
    databases.close();
  }

  @BeforeEach
  void startWorker() throws SQLException {
    databases.resetTarget();
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(Veil.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class);
    ConnectionRegistry registry =
        new ConnectionRegistry(Map.of("src", sourceDb, "tgt", targetDb));
    PipelineSource source =
        new PipelineSource() {
          @Override
          public List<String> ids() {
            return List.copyOf(specs.keySet());
          }

          @Override
          public Optional<PipelineSpec> find(String id) {
            return Optional.ofNullable(specs.get(id));
          }
        };
    gate = new GatedTaskExecutor(
        new LocalTaskExecutor(registry, MaskingKey.of("test-key-0123456789abcdef")),
        task -> task.pipelineId().startsWith("gated"));
    List<Object> activities =
        new java.util.ArrayList<>(RunActivities.workflowSide(registry, null));
    activities.add(new ConfigActivitiesImpl(source));
    worker.registerActivitiesImplementations(activities.toArray());
    env.newWorker(Veil.TABLE_TASK_QUEUE)
        .registerActivitiesImplementations(RunActivities.tasks(gate));
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private static PipelineSpec spec(String id, Map<String, RuleSpec> rules, TablesSpec tables) {
    return new PipelineSpec(id, "v1", null, 2, null, new SourceSpec("src", List.of("public")),
        new TargetSpec("tgt"), tables, rules, null, null, null, null, null, null);
  }

  private static Map<String, RuleSpec> piiRules() {
    return Map.of(
        "public.customers.email", RuleSpec.of("email"),
        "public.orders.customer_email", RuleSpec.of("email"),
        "public.customers.full_name", new RuleSpec("hash", Map.of("length", "16")),
        "public.customers.phone", new RuleSpec("random_string", Map.of("length", "10")),
        "public.customers.note", RuleSpec.of("null"),
        "public.customers.tier", new RuleSpec("replacement", Map.of("value", "basic")));
  }

  private PipelineRunWorkflow stub(String runId) {
    return client.newWorkflowStub(
        PipelineRunWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(Veil.TASK_QUEUE)
            .setWorkflowId(runId)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
            .build());
  }

  @Test
  void copiesEveryRowWithPiiReplacedAndKeysWorking() throws Exception {
    specs.put("full", spec("full", piiRules(), new TablesSpec(null, null, null, 1000L)));
    RunSummary summary = stub("veil-run-full-1").run(PipelineRunInput.of("full"));

    assertEquals(RunState.SUCCEEDED, summary.state());
    assertEquals(CUSTOMERS * 3L + 1, summary.rows());
    try (Connection src = TestPostgres.connect(sourceDb);
        Connection tgt = TestPostgres.connect(targetDb)) {
      for (String table : List.of("customers", "orders", "audit_log")) {
        assertEquals(count(src, "public." + table), count(tgt, "public." + table), table);
      }
      // no source value survives in a redacted column (checked row by row through the key)
      Map<Long, String[]> source = rows(src);
      Map<Long, String[]> target = rows(tgt);
      assertEquals(source.keySet(), target.keySet());
      for (Map.Entry<Long, String[]> e : source.entrySet()) {
        String[] s = e.getValue();
        String[] t = target.get(e.getKey());
        assertFalse(s[0].equals(t[0]), "email copied as is");
        assertTrue(t[0].matches("u[0-9a-f]{20}@example\\.com"), t[0]);
        assertFalse(s[1].equals(t[1]), "full_name copied as is");
        assertEquals(16, t[1].length());
        assertFalse(s[2].equals(t[2]), "phone copied as is");
        assertEquals(null, t[3], "note must be NULL");
        assertEquals("basic", t[4]);
        assertEquals(s[5], t[5], "unruled jsonb passes through");
        assertEquals(Integer.toString(t[1].length()), t[6], "generated column recomputed");
      }
      // the same source e-mail became the same pseudonym in both tables: the join still works
      assertEquals(CUSTOMERS * 2L, scalar(tgt,
          "SELECT count(*) FROM orders o JOIN customers c ON c.email = o.customer_email"
              + " AND c.id = o.customer_id"));
      // keys, checks and indexes exist; sequences are past the copied ids
      assertEquals(1L, scalar(tgt, "SELECT count(*) FROM pg_constraint WHERE conname = 'orders_customer_id_fkey'"));
      assertEquals(1L, scalar(tgt, "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_big_idx'"));
      assertEquals(1L, scalar(tgt, "SELECT count(*) FROM pg_constraint WHERE conname = 'customers_email_key'"));
      try (Statement s = tgt.createStatement()) {
        s.execute("INSERT INTO customers (email, full_name) VALUES ('new@x.test', 'New Person')");
        s.execute("INSERT INTO orders (customer_id, customer_email, amount)"
            + " SELECT id, email, 10 FROM customers WHERE email = 'new@x.test'");
        SQLException fk = assertThrows(SQLException.class, () -> s.execute(
            "INSERT INTO orders (customer_id, customer_email, amount) VALUES (-1, 'x', 1)"));
        assertEquals("23503", fk.getSQLState());
      }
      assertEquals(1L, scalar(tgt, "SELECT count(*) FROM _veil.run WHERE run_id = 'veil-run-full-1'"));
    }
    assertEquals(List.of(), databases.leftovers(), "no build or replaced database is left");
  }

  @Test
  void failedRunLeavesThePreviousTwinExactlyAsItWas() throws Exception {
    specs.put("good", spec("good", piiRules(), null));
    stub("veil-run-good-1").run(PipelineRunInput.of("good"));
    String before = fingerprint();

    // a value the CHECK constraint refuses fails the build after the load (a collision on a
    // UNIQUE column would be refused earlier, by the planner)
    Map<String, RuleSpec> breaking = new HashMap<>(piiRules());
    breaking.put("public.customers.tier", new RuleSpec("replacement", Map.of("value", "platinum")));
    specs.put("bad", spec("bad", breaking, null));
    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class,
            () -> stub("veil-run-bad-1").run(PipelineRunInput.of("bad")));
    String message = PipelineRunWorkflowImpl.class.getSimpleName() + failed.getCause().getMessage();
    assertTrue(message.contains("customers_tier_check"), message);
    assertFalse(message.contains("platinum"), "a data value leaked into the failure: " + message);

    assertEquals(before, fingerprint());
    assertEquals(List.of(), databases.leftovers(), "the failed run's build database is gone");
  }

  @Test
  void cancelSignalMidCopyDropsTheBuildDatabaseAndKeepsTheOldTwin() throws Exception {
    specs.put("good", spec("good", piiRules(), null));
    stub("veil-run-good-2").run(PipelineRunInput.of("good"));
    String before = fingerprint();

    // the customers chunk waits at a gate, heartbeating: it is mid-copy when we cancel
    specs.put("gated-slow", spec("gated-slow", piiRules(), null));
    PipelineRunWorkflow run = stub("veil-run-gated-slow-1");
    WorkflowClient.start(run::run, PipelineRunInput.of("gated-slow"));
    gate.awaitWaiting();
    run.cancel(new CancelRequest("test says stop"));
    RunSummary summary = WorkflowStub.fromTyped(run).getResult(RunSummary.class);

    assertEquals(RunState.CANCELLED, summary.state());
    assertEquals("test says stop", summary.reason());
    assertEquals(before, fingerprint());
    assertEquals(List.of(), databases.leftovers(), "the cancelled run's build database is gone");
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(20);
    }
  }

  /** A digest of the whole target twin: equal digests mean equal content. */
  private static String fingerprint() throws SQLException {
    try (Connection tgt = TestPostgres.connect(targetDb);
        Statement s = tgt.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT md5((SELECT string_agg(c::text, '|' ORDER BY c.id) FROM customers c)"
                + " || (SELECT string_agg(o::text, '|' ORDER BY o.id) FROM orders o))")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Map<Long, String[]> rows(Connection c) throws SQLException {
    Map<Long, String[]> out = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT id, email, full_name, phone, note, tier, profile::text, name_length::text"
                + " FROM customers")) {
      while (rs.next()) {
        out.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)});
      }
    }
    return out;
  }

  private static long count(Connection c, String table) throws SQLException {
    return scalar(c, "SELECT count(*) FROM " + table);
  }

  private static long scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
