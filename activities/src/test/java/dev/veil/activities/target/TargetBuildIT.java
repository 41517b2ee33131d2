package dev.veil.activities.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.copy.CopyEngine;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.plan.Planner;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.testing.SampleDatabases;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.TargetSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The build step against real databases: tables in parallel, then foreign keys. */
class TargetBuildIT {

  private static SampleDatabases databases;
  private static ConnectionSettings targetDb;
  private static ConnectionRegistry registry;

  @BeforeAll
  static void create() throws Exception {
    databases = SampleDatabases.create("veil_build", 2_000);
    targetDb = databases.target();
    registry = new ConnectionRegistry(Map.of("src", databases.source(), "tgt", targetDb));
  }

  @AfterAll
  static void drop() {
    databases.close();
  }

  /** A run of the sample schema with {@code maxActiveTasks} 3, prepared and copied. */
  private static RunPlan copied(String runId) throws Exception {
    PipelineSpec spec = new PipelineSpec("build", "v", null, 3, null,
        new SourceSpec("src", null), new TargetSpec("tgt", null),
        new TablesSpec(List.of("public.customers", "public.orders", "public.audit_log"), null,
            null, null),
        Map.of(), null, null, null, null);
    RunPlan plan = new Planner(registry).plan(spec, runId);
    new TargetDatabase(registry).prepare(plan);
    CopyEngine engine = new CopyEngine(registry, MaskingKey.of("build-key-0123456789"));
    for (TablePlan t : plan.tables()) {
      for (int i = 0; i < t.chunks().size(); i++) {
        engine.copy(new TableTask(plan.pipelineId(), plan.runId(), t.qualifiedName() + "#" + i,
            "src", "tgt", plan.stagingSchema(), t.sourceSchema(), t.name(), t.columns(), null,
            null, t.chunks().get(i), t.estimatedRows(), null, null, null), hb -> {});
      }
    }
    return plan;
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void tablesAreBuiltInParallelSessionsThenForeignKeys() throws Exception {
    RunPlan plan = copied("build-parallel");
    String staging = plan.stagingSchema();
    CompletableFuture<Void> build;
    try (Connection blocker = TestPostgres.connect(targetDb)) {
      // Holding SHARE ROW EXCLUSIVE on two staging tables makes each key build wait on its lock:
      // two builds waiting at once can only be two sessions building side by side.
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE " + staging + ".customers, " + staging + ".orders"
            + " IN SHARE ROW EXCLUSIVE MODE");
      }
      build = CompletableFuture.runAsync(() -> {
        try {
          new TargetDatabase(registry).build(plan, Heartbeat.NONE);
        } catch (SQLException e) {
          throw new CompletionException(e);
        }
      });
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      int waiting = 0;
      while (waiting < 2 && !build.isDone() && System.nanoTime() < deadline) {
        waiting = waitingBuilders(staging);
      }
      assertEquals(2, waiting, "two build sessions waiting on the two locked tables at once");
      blocker.commit();
    }
    build.join();
    for (String table : List.of("customers", "orders", "audit_log")) {
      assertTrue(constraints(staging, table).contains("p"), table + " has its primary key");
    }
    assertTrue(constraints(staging, "orders").contains("f"), "orders has its foreign key");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aFailingTableBuildFailsTheBuildNamingTheTableAndAddsNoForeignKeys() throws Exception {
    RunPlan plan = copied("build-failing");
    String staging = plan.stagingSchema();
    try (Connection c = TestPostgres.connect(targetDb);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO " + staging + ".audit_log (id, message)"
          + " SELECT id, message FROM " + staging + ".audit_log");
    }
    TargetDatabase.BuildException e = org.junit.jupiter.api.Assertions.assertThrows(
        TargetDatabase.BuildException.class,
        () -> new TargetDatabase(registry).build(plan, Heartbeat.NONE));
    assertTrue(e.object().contains("public.audit_log"), e.object());
    assertEquals("23505", e.getSQLState());
    assertFalse(constraints(staging, "orders").contains("f"), "no foreign key after a failure");
  }

  /** Build sessions waiting for a lock on a table of the staging schema. */
  private static int waitingBuilders(String staging) throws SQLException {
    try (Connection c = TestPostgres.connect(targetDb);
        PreparedStatement ps = c.prepareStatement(
            "SELECT count(DISTINCT l.pid) FROM pg_catalog.pg_locks l"
                + " JOIN pg_catalog.pg_class r ON r.oid = l.relation"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace"
                + " WHERE NOT l.granted AND n.nspname = ?")) {
      ps.setString(1, staging);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Constraint types ({@code p}, {@code f}, {@code u}, …) on a staging table. */
  private static String constraints(String staging, String table) throws SQLException {
    try (Connection c = TestPostgres.connect(targetDb);
        PreparedStatement ps = c.prepareStatement(
            "SELECT string_agg(contype::text, '') FROM pg_catalog.pg_constraint"
                + " WHERE conrelid = to_regclass(?)")) {
      ps.setString(1, staging + "." + table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String types = rs.getString(1);
        return types == null ? "" : types;
      }
    }
  }
}
