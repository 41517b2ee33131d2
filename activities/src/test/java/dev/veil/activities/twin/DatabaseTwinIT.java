package dev.veil.activities.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.RunActivities;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.testing.RichSchema;
import dev.veil.activities.testing.RunHarness;
import dev.veil.activities.testing.SchemaDumps;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.run.CancelRequest;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.TargetSpec;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database twin end to end on real PostgreSQL, real pg_dump/pg_restore and Temporal's test
 * server: a source with every kind of schema object becomes a twin with the same schema; the swap
 * terminates or waits for sessions as configured, and a cancel while it is held on a lock leaves
 * the old twin exactly as it was; a kept previous twin rolls back.
 */
class DatabaseTwinIT {

  /** Masked columns of the rich fixture: each must hold no source value in the twin. */
  private static final Map<String, RuleSpec> RULES = Map.of(
      "shop.customers.email", RuleSpec.of("email"),
      "shop.customers.full_name", RuleSpec.of("full_name"),
      "shop.cart_cache.customer_email", RuleSpec.of("email"),
      "crm.customers.email", RuleSpec.of("email"),
      "crm.customers.first_name", RuleSpec.of("first_name"),
      "crm.customers.last_name", RuleSpec.of("last_name"),
      "crm.contacts.phone", RuleSpec.of("phone"),
      "crm.vip_contacts.phone", RuleSpec.of("phone"));

  private static ConnectionSettings source;
  private ConnectionSettings twin;
  private RunHarness harness;

  @BeforeAll
  static void source() {
    source = RichSchema.createSource("veil_twin_src");
  }

  @AfterAll
  static void dropSource() {
    TestPostgres.dropDatabase(source);
  }

  @BeforeEach
  void harness() {
    twin = source.withDatabase("veil_twin_" + ProcessHandle.current().pid());
    harness = new RunHarness(source, twin);
  }

  @AfterEach
  void close() throws SQLException {
    harness.close();
    TestPostgres.dropDatabases(twin.database());
  }

  private static PipelineSpec spec(String id, TargetSpec target) {
    return new PipelineSpec(id, "v1", null, 2, null, new SourceSpec("src", RichSchema.SCHEMAS),
        target, new TablesSpec(null, null, null, null), RULES, null, null, null, null, null, null);
  }

  private static PipelineSpec spec(String id) {
    return spec(id, new TargetSpec("tgt"));
  }

  @Test
  void aDatabaseWithEveryKindOfObjectBecomesATwinWithTheSameSchemaAndMaskedRows()
      throws Exception {
    RunSummary summary = harness.run(spec("rich"), "veil-run-rich-1");
    assertEquals(RunState.SUCCEEDED, summary.state(), String.valueOf(summary.warnings()));

    String expected = SchemaDumps.normalizedSchema(source);
    String actual = SchemaDumps.normalizedSchema(twin);
    assertEquals(expected, actual, SchemaDumps.diff(expected, actual));

    try (Connection src = TestPostgres.connect(source);
        Connection dst = TestPostgres.connect(twin)) {
      for (String table : List.of("shop.customers", "shop.products", "shop.orders_2023",
          "shop.orders_2024", "shop.orders_other", "shop.order_lines", "shop.order_audit",
          "shop.invoices", "shop.cart_cache", "ONLY crm.contacts", "crm.vip_contacts",
          "crm.customers", "crm.notes", "shop.product_sales", "shop.top_products")) {
        assertEquals(scalar(src, "SELECT count(*) FROM " + table),
            scalar(dst, "SELECT count(*) FROM " + table), table);
      }
      // triggers came after the load: none fired on copied rows
      assertEquals(strings(src, "SELECT id || ':' || revision FROM shop.customers"),
          strings(dst, "SELECT id || ':' || revision FROM shop.customers"));
      // materialized views were refreshed from the twin's rows
      assertEquals(strings(src, "SELECT product_id || ':' || sold FROM shop.product_sales"),
          strings(dst, "SELECT product_id || ':' || sold FROM shop.product_sales"));
      for (String column : RULES.keySet()) {
        String[] p = column.split("\\.");
        String select = "SELECT " + p[2] + "::text FROM ONLY " + p[0] + "." + p[1]
            + " WHERE " + p[2] + " IS NOT NULL";
        Set<String> leaked = strings(src, select);
        leaked.retainAll(strings(dst, select));
        assertTrue(leaked.isEmpty(), column + " kept source values: " + leaked.size());
      }
      // a new row goes in through every sequence default and identity
      try (Statement s = dst.createStatement()) {
        s.execute("INSERT INTO shop.customers (email, full_name) VALUES ('n@x.test', 'N')");
        s.execute("INSERT INTO shop.products (sku, name, price) VALUES ('SKU-9', 'New', 1)");
        s.execute("INSERT INTO shop.orders (customer_id, placed_at) VALUES (1, '2024-03-01')");
        s.execute("INSERT INTO shop.invoices (customer_id, amount) VALUES (3, 5)");
        s.execute("INSERT INTO crm.customers (email, first_name, last_name)"
            + " VALUES ('n@x.test', 'N', 'N')");
        s.execute("INSERT INTO crm.contacts (customer_id, phone) VALUES (1, '1')");
        s.execute("INSERT INTO crm.notes (customer_id, body) VALUES (1, 'n')");
      }
      assertEquals(1L, scalar(dst, "SELECT count(*) FROM _veil.run WHERE run_id = 'veil-run-rich-1'"));
    }
    assertEquals(List.of(), leftovers(), "no build or replaced database is left behind");
  }

  @Test
  void aRunWhoseIdRepeatsStillReplacesTheTwin() throws Exception {
    // an in-memory dev server that restarted hands out workflow ids it used before; the swap is
    // keyed on Temporal's run id, so the second run with the same id is not taken for the first
    harness.run(spec("again"), "veil-run-again-1");
    try (Connection src = TestPostgres.connect(source);
        Statement s = src.createStatement()) {
      s.execute("INSERT INTO crm.notes (customer_id, body) VALUES (2, 'after the first run')");
    }
    try {
      RunSummary second = harness.run(spec("again"), "veil-run-again-1");
      assertEquals(RunState.SUCCEEDED, second.state());
      assertEquals(3L, notes(), "the twin holds the second run's rows");
    } finally {
      try (Connection src = TestPostgres.connect(source);
          Statement s = src.createStatement()) {
        s.execute("DELETE FROM crm.notes WHERE body = 'after the first run'");
      }
    }
    assertEquals(List.of(), leftovers());
  }

  @Test
  void aSessionOnTheOldTwinIsTerminatedAndTheSwapGoesThrough() throws Exception {
    harness.run(spec("swap"), "veil-run-swap-1");
    try (Connection held = TestPostgres.connect(twin)) {
      held.createStatement().execute("SELECT 1");
      RunSummary summary = harness.run(spec("swap"), "veil-run-swap-2");
      assertEquals(RunState.SUCCEEDED, summary.state());
      assertFalse(held.isValid(5), "the session on the old twin was ended by the swap");
    }
    try (Connection dst = TestPostgres.connect(twin)) {
      assertEquals(1L, scalar(dst, "SELECT count(*) FROM _veil.run WHERE run_id = 'veil-run-swap-2'"));
    }
    assertEquals(List.of(), leftovers());
  }

  @Test
  void withTerminationOffAStaySessionFailsTheRunClearlyAndKeepsTheOldTwin() throws Exception {
    harness.run(spec("keep"), "veil-run-keep-1");
    String before = digest();
    TargetSpec polite = new TargetSpec("tgt", null, null, null, 1, false);
    try (Connection held = TestPostgres.connect(twin)) {
      held.createStatement().execute("SELECT 1");
      WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
          () -> harness.run(spec("keep", polite), "veil-run-keep-2"));
      String message = String.valueOf(failed.getCause().getMessage());
      assertTrue(message.contains("still connected") && message.contains("old twin is kept"),
          message);
      assertTrue(held.isValid(5), "the session was left alone");
    }
    assertEquals(before, digest(), "the old twin is exactly as it was");
    assertEquals(List.of(), leftovers(), "the failed run's build database is gone");
  }

  @Test
  void aReplacedTwinADeadWorkerDidNotDropGoesAtTheNextRunButAnAsideOfASwapInProgressStays()
      throws Exception {
    harness.run(spec("janitor"), "veil-run-janitor-1");
    // what a worker killed before its background drop leaves: a replaced twin marked to be dropped
    String retired = TwinNames.retired(twin.database(), "0123456789ab-dead");
    // and what must never be dropped: the old twin set aside by a swap that is still running
    // (it still carries its build marker; an undo would put it back)
    String inSwap = TwinNames.aside(twin.database(), "ba9876543210-live");
    try (Connection admin = TestPostgres.admin();
        Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE \"" + retired + "\"");
      s.execute("COMMENT ON DATABASE \"" + retired + "\" IS '"
          + TwinNames.retiredMarker("janitor") + "'");
      s.execute("CREATE DATABASE \"" + inSwap + "\"");
      s.execute("COMMENT ON DATABASE \"" + inSwap + "\" IS '"
          + TwinNames.marker("janitor", "ba9876543210-live") + "'");
    }
    harness.run(spec("janitor"), "veil-run-janitor-2");
    awaitCondition("only the aside of the swap in progress is left", () -> {
      try {
        return TestPostgres.databasesLike(twin.database() + "\\_\\_veil\\_%")
            .equals(List.of(inSwap));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    try (Connection dst = TestPostgres.connect(twin)) {
      assertEquals(1L, scalar(dst, "SELECT count(*) FROM _veil.run WHERE run_id = 'veil-run-janitor-2'"));
    }
  }

  @Test
  void aKeptPreviousTwinRollsBackAndASecondRollbackUndoesTheFirst() throws Exception {
    TargetSpec keep = new TargetSpec("tgt", null, true, null, null, null);
    harness.run(spec("roll", keep), "veil-run-roll-1");
    try (Connection src = TestPostgres.connect(source);
        Statement s = src.createStatement()) {
      s.execute("INSERT INTO crm.notes (customer_id, body) VALUES (2, 'added later')");
    }
    try {
      harness.run(spec("roll", keep), "veil-run-roll-2");
      assertEquals(3L, notes());
      TwinDatabase twins = new TwinDatabase(harness.registry(), RunActivities.pgTools(null));

      twins.rollback("tgt", 5, true, Heartbeat.NONE);
      assertEquals(2L, notes(), "the first run's twin is back");
      twins.rollback("tgt", 5, true, Heartbeat.NONE);
      assertEquals(3L, notes(), "and the second rollback swaps the newer one back");
      // a third run keeps the current twin as the previous one and retires the older previous
      harness.run(spec("roll", keep), "veil-run-roll-3");
      assertEquals(List.of(), leftovers(), "the older previous twin was dropped");
      assertEquals(List.of(TwinNames.previous(twin.database())),
          TestPostgres.databasesLike(twin.database() + "\\_\\_veil\\_%"));
    } finally {
      try (Connection src = TestPostgres.connect(source);
          Statement s = src.createStatement()) {
        s.execute("DELETE FROM crm.notes WHERE body = 'added later'");
      }
    }
  }

  @Test
  void aNativeCancelWhileTheSwapIsHeldOnALockPutsTheOldTwinBack() throws Exception {
    cancelWhileTheSwapIsHeld(run -> WorkflowStub.fromTyped(run).cancel());
  }

  @Test
  void aCancelSignalWhileTheSwapIsHeldOnALockPutsTheOldTwinBack() throws Exception {
    cancelWhileTheSwapIsHeld(run -> run.cancel(new CancelRequest("stop during swap")));
  }

  private interface Canceller {
    void cancel(PipelineRunWorkflow run);
  }

  private void cancelWhileTheSwapIsHeld(Canceller canceller) throws Exception {
    harness.run(spec("held"), "veil-run-held-1");
    try (Connection dst = TestPostgres.connect(twin);
        Statement s = dst.createStatement()) {
      s.execute("CREATE TABLE public.marker (note text)");
      s.execute("INSERT INTO public.marker VALUES ('the old twin')");
    }
    String before = digest();
    harness.define(spec("held"));
    PipelineRunWorkflow run = harness.stub("veil-run-held-2");
    try (Connection lock = TestPostgres.admin()) {
      lock.setAutoCommit(false);
      // holds the twin's pg_database row: the swap's ALTER DATABASE waits behind it
      lock.createStatement().execute(
          "ALTER DATABASE \"" + twin.database() + "\" CONNECTION LIMIT 50");
      WorkflowClient.start(run::run, PipelineRunInput.of("held"));
      awaitCondition("the swap waits on the lock", () -> swapWaitingOnALock());
      canceller.cancel(run);
      lock.rollback();
    }
    WorkflowStub stub = WorkflowStub.fromTyped(run);
    try {
      RunSummary summary = stub.getResult(RunSummary.class);
      assertEquals(RunState.CANCELLED, summary.state(), "the signal's run ends CANCELLED");
    } catch (WorkflowFailedException e) {
      assertInstanceOf(CanceledFailure.class, e.getCause(), "a native cancel ends Canceled");
    }
    assertEquals(RunState.CANCELLED, run.progress().state());
    assertEquals(before, digest(), "CANCELLED: the old twin is exactly as it was");
    try (Connection dst = TestPostgres.connect(twin)) {
      assertEquals("the old twin", string(dst, "SELECT note FROM public.marker"));
    }
    assertEquals(List.of(), leftovers(), "the new twin was dropped with the build database");
  }

  private boolean swapWaitingOnALock() {
    try (Connection admin = TestPostgres.admin()) {
      return scalar(admin, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
          + " AND query LIKE 'ALTER DATABASE%ALLOW_CONNECTIONS%'") > 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitCondition(String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  private long notes() throws SQLException {
    try (Connection dst = TestPostgres.connect(twin)) {
      // crm.notes deletes softly (a rule): the rows a test removes from the source stay, marked
      return scalar(dst, "SELECT count(*) FROM crm.notes WHERE NOT deleted");
    }
  }

  /** Databases Veil made around the twin, other than a kept previous one. */
  private List<String> leftovers() throws SQLException {
    return TestPostgres.databasesAroundSettled(twin.database()).stream()
        .filter(name -> !name.endsWith("__veil_prev"))
        .toList();
  }

  /** A digest of the twin's rows. */
  private String digest() throws SQLException {
    try (Connection dst = TestPostgres.connect(twin)) {
      return string(dst, "SELECT md5("
          + "(SELECT string_agg(c::text, '|' ORDER BY c.id) FROM shop.customers c)"
          + " || (SELECT string_agg(c::text, '|' ORDER BY c.id) FROM crm.customers c)"
          + " || (SELECT string_agg(n::text, '|' ORDER BY n.id) FROM crm.notes n)"
          + " || (SELECT run_uid FROM _veil.run))");
    }
  }

  private static long scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String string(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Set<String> strings(Connection c, String sql) throws SQLException {
    Set<String> out = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
