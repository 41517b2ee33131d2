package dev.veil.activities.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.plan.Planner;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.target.TargetDatabase;
import dev.veil.activities.testing.SampleDatabases;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.plan.ChunkRange;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskResult;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.TargetSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One chunk at a time through the engine, against real databases. */
class CopyEngineIT {

  private static SampleDatabases databases;
  private static ConnectionSettings targetDb;
  private static ConnectionRegistry registry;

  @BeforeAll
  static void create() throws Exception {
    databases = SampleDatabases.create("veil_engine", 20_000);
    targetDb = databases.target();
    registry = new ConnectionRegistry(Map.of("src", databases.source(), "tgt", targetDb));
  }

  @AfterAll
  static void drop() {
    databases.close();
  }

  private static RunPlan prepared(String runId) throws Exception {
    PipelineSpec spec = new PipelineSpec("engine", "v", null, 1, null,
        new SourceSpec("src", null), new TargetSpec("tgt"),
        new TablesSpec(List.of("public.customers"), null, null, null),
        Map.of("public.customers.email", RuleSpec.of("email")), null, null, null, null);
    RunPlan plan = new Planner(registry).plan(spec, runId);
    new TargetDatabase(registry).prepare(plan);
    return plan;
  }

  private static TableTask task(RunPlan plan) {
    TablePlan t = plan.tables().get(0);
    return new TableTask(plan.pipelineId(), plan.runId(), t.qualifiedName() + "#0", "src", "tgt",
        plan.stagingSchema(), t.sourceSchema(), t.name(), t.columns(), null, null,
        t.chunks().get(0), t.estimatedRows(), null, null, null);
  }

  @Test
  void aRetriedChunkReturnsItsCommittedResultWithoutCopyingAgain() throws Exception {
    RunPlan plan = prepared("engine-retry");
    CopyEngine engine = new CopyEngine(registry, MaskingKey.of("engine-key-0123456789"));
    TaskResult first = engine.copy(task(plan), hb -> {});
    TaskResult second = engine.copy(task(plan), hb -> {});
    assertEquals(20_000, first.rows());
    assertEquals(first, second);
    assertEquals(20_000L, count(plan));
  }

  @Test
  void aChunkStoppedMidwayLeavesNothingInStaging() throws Exception {
    RunPlan plan = prepared("engine-stop");
    CopyEngine engine = new CopyEngine(registry, MaskingKey.of("engine-key-0123456789"));
    // stop at the first progress report, as a cancelled activity's heartbeat does; a slow
    // filter makes sure the copy is still running when the first report comes
    TableTask slow = task(plan);
    TableTask stopped = new TableTask(slow.pipelineId(), slow.runId(), slow.taskId(),
        slow.sourceConnection(), slow.targetConnection(), slow.stagingSchema(), slow.sourceSchema(),
        slow.table(), slow.columns(), "pg_sleep(0.0002) IS NOT NULL", null, slow.chunk(),
        slow.estimatedRows(), null, null, null);
    assertThrows(IllegalStateException.class, () -> engine.copy(stopped, hb -> {
      throw new IllegalStateException("cancelled");
    }));
    assertEquals(0L, count(plan));
    // and the same chunk copies cleanly afterwards
    assertEquals(20_000, engine.copy(task(plan), hb -> {}).rows());
    assertEquals(20_000L, count(plan));
  }

  @Test
  void aWholeTableLoadsFrozenAndAllVisibleWhileChunksLoadPlain() throws Exception {
    CopyEngine engine = new CopyEngine(registry, MaskingKey.of("engine-key-0123456789"));
    RunPlan whole = prepared("engine-freeze");
    assertEquals(20_000, engine.copy(task(whole), hb -> {}).rows());
    long[] frozen = visibility(whole);
    assertTrue(frozen[0] > 0, "staging table has pages");
    assertEquals(frozen[0], frozen[1], "every page all-visible");
    assertEquals(frozen[0], frozen[2], "every page all-frozen");

    // two chunks of one table share the staging table: neither may truncate it, so no FREEZE
    RunPlan chunked = prepared("engine-chunks");
    TableTask t = task(chunked);
    long half = Math.max(1, frozen[0] / 2);
    engine.copy(withChunk(t, "#0", new ChunkRange(0, half)), hb -> {});
    engine.copy(withChunk(t, "#1", new ChunkRange(half, -1)), hb -> {});
    assertEquals(20_000L, count(chunked));
    assertEquals(0L, visibility(chunked)[2]);
  }

  private static TableTask withChunk(TableTask t, String suffix, ChunkRange chunk) {
    return new TableTask(t.pipelineId(), t.runId(), t.table() + suffix, t.sourceConnection(),
        t.targetConnection(), t.stagingSchema(), t.sourceSchema(), t.table(), t.columns(),
        t.where(), t.sample(), chunk, t.estimatedRows(), null, null, null);
  }

  /** Pages, all-visible pages and all-frozen pages of the staging table (pg_visibility). */
  private static long[] visibility(RunPlan plan) throws Exception {
    try (Connection c = TestPostgres.connect(targetDb);
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_visibility");
      String table = "'" + plan.stagingSchema() + ".customers'";
      try (ResultSet rs = s.executeQuery("SELECT pg_relation_size(" + table + ")"
          + " / current_setting('block_size')::bigint, v.all_visible, v.all_frozen"
          + " FROM pg_visibility_map_summary(" + table + ") v")) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
      }
    }
  }

  private static long count(RunPlan plan) throws Exception {
    try (Connection c = TestPostgres.connect(targetDb);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + plan.stagingSchema() + ".customers")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
