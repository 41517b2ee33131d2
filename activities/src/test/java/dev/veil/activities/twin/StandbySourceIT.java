package dev.veil.activities.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.RunHarness;
import dev.veil.activities.testing.SampleSchema;
import dev.veil.activities.testing.Standby;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.TargetSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hot standby as the source: a second cluster on another port streams from the test server, and
 * a whole run reads from it (pg_dump, the exported snapshot, every chunk). A standby refuses every
 * write, so a run that succeeds there wrote nothing to its source and used no temporary table.
 * Skipped, with the reason, where no standby can be set up.
 */
class StandbySourceIT {

  private static ConnectionSettings primary;
  private static Standby standby;

  @BeforeAll
  static void standby() throws Exception {
    primary = TestPostgres.createDatabase("veil_standby_src");
    try (Connection c = TestPostgres.connect(primary)) {
      SampleSchema.create(c, 5_000);
    }
    try {
      standby = Standby.start();
    } catch (IllegalStateException e) {
      System.err.println("StandbySourceIT skipped: no hot standby can be set up here: " + e.getMessage());
      Assumptions.abort("no hot standby can be set up here: " + e.getMessage());
    }
    standby.catchUp();
  }

  @AfterAll
  static void stop() throws Exception {
    if (standby != null) {
      standby.close();
    }
    TestPostgres.dropDatabase(primary);
  }

  @Test
  void aWholeRunReadsFromAHotStandby() throws Exception {
    ConnectionSettings source = standby.settings(primary.database());
    ConnectionSettings twin = primary.withDatabase("veil_standby_twin_" + ProcessHandle.current().pid());
    try (RunHarness harness = new RunHarness(source, twin)) {
      PipelineSpec spec = new PipelineSpec("standby", "v1", null, 2, null,
          new SourceSpec("src", List.of("public")), new TargetSpec("tgt"),
          new TablesSpec(null, null, null, 2_000L),
          Map.of("public.customers.email", RuleSpec.of("email"),
              "public.orders.customer_email", RuleSpec.of("email"),
              "public.customers.phone", RuleSpec.of("phone")),
          null, null, null, null, null, null);
      RunSummary summary = harness.run(spec, "veil-run-standby-1");

      assertEquals(RunState.SUCCEEDED, summary.state(), String.valueOf(summary.warnings()));
      try (Connection src = TestPostgres.connect(source);
          Connection dst = TestPostgres.connect(twin)) {
        assertTrue(bool(src, "SELECT pg_is_in_recovery()"), "the source is a standby");
        for (String table : List.of("customers", "orders", "audit_log")) {
          assertEquals(count(src, table), count(dst, table), table);
        }
        assertEquals(0L, count(dst, "customers c JOIN orders o ON o.customer_email = c.email"
            + " AND o.customer_id = c.id") - 2 * count(src, "customers"),
            "pseudonymised e-mails still join");
      }
    } finally {
      TestPostgres.dropDatabases(twin.database());
    }
  }

  private static long count(Connection c, String from) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + from)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean bool(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
