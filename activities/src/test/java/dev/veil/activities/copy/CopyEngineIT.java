package dev.veil.activities.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.plan.Planner;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.testing.HeldBuild;
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
import java.sql.SQLException;
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

  private static HeldBuild prepared(String runId) throws Exception {
    PipelineSpec spec = new PipelineSpec("engine", "v", null, 1, null,
        new SourceSpec("src", null), new TargetSpec("tgt"),
        new TablesSpec(List.of("public.customers"), null, null, null),
        Map.of("public.customers.email", RuleSpec.of("email")), null, null, null, null, null, null);
    RunPlan plan = new Planner(registry).plan(spec, runId);
    return HeldBuild.prepare(registry, plan);
  }

  @Test
  void aRetriedChunkReturnsItsCommittedResultWithoutCopyingAgain() throws Exception {
    try (HeldBuild plan = prepared("engine-retry")) {
      CopyEngine engine = new CopyEngine(registry, MaskingKey.of("engine-key-0123456789"));
      TaskResult first = engine.copy(plan.task(), hb -> {});
      TaskResult second = engine.copy(plan.task(), hb -> {});
      assertEquals(20_000, first.rows());
      assertEquals(first, second);
      assertEquals(20_000L, count(plan));
    }
  }

  @Test
  void aChunkStoppedMidwayLeavesNothingInStaging() throws Exception {
    try (HeldBuild plan = prepared("engine-stop")) {
      CopyEngine engine = new CopyEngine(registry, MaskingKey.of("engine-key-0123456789"));
      // stop at the first progress report, as a cancelled activity's heartbeat does; a slow
      // filter (set on the task directly, as no spec may) keeps the copy running until then
      TableTask t = plan.task();
      TableTask slow = new TableTask(t.pipelineId(), t.runId(), t.taskId(), t.sourceConnection(),
          t.targetConnection(), t.targetDatabase(), t.targetSchema(), t.sourceSchema(), t.table(),
          t.columns(), "pg_sleep(0.0002) IS NOT NULL", null, t.chunk(), t.estimatedRows(), null,
          null, null, t.epoch(), t.runUid());
      assertThrows(IllegalStateException.class, () -> engine.copy(slow, hb -> {
        throw new IllegalStateException("cancelled");
      }));
      assertEquals(0L, count(plan));
      // and the same chunk copies cleanly afterwards
      assertEquals(20_000, engine.copy(plan.task(), hb -> {}).rows());
      assertEquals(20_000L, count(plan));
    }
  }

  @Test
  void aWholeTableLoadsFrozenAndAllVisibleWhileChunksLoadPlain() throws Exception {
    CopyEngine engine = new CopyEngine(registry, MaskingKey.of("engine-key-0123456789"));
    long half;
    try (HeldBuild whole = prepared("engine-freeze")) {
      assertEquals(20_000, engine.copy(whole.task(), hb -> {}).rows());
      long[] frozen = visibility(whole);
      assertTrue(frozen[0] > 0, "the table has pages");
      assertEquals(frozen[0], frozen[1], "every page all-visible");
      assertEquals(frozen[0], frozen[2], "every page all-frozen");
      half = Math.max(1, frozen[0] / 2);
    }

    // two chunks of one table share the table: neither may truncate it, so no FREEZE
    try (HeldBuild chunked = prepared("engine-chunks")) {
      TableTask t = chunked.task();
      engine.copy(withChunk(t, "#0", new ChunkRange(0, half)), hb -> {});
      engine.copy(withChunk(t, "#1", new ChunkRange(half, -1)), hb -> {});
      assertEquals(20_000L, count(chunked));
      assertEquals(0L, visibility(chunked)[2]);
    }
  }

  @Test
  void aChunkReadsUnderTheRunsSnapshotNotTheSourceAsItIsNow() throws Exception {
    try (HeldBuild plan = prepared("engine-snapshot")) {
      // rows written after the snapshot was exported are not part of the copy
      try (Connection c = TestPostgres.connect(databases.source());
          Statement s = c.createStatement()) {
        s.execute("INSERT INTO public.customers (email, full_name, phone, note, tier, profile)"
            + " SELECT 'late' || g || '@example.com', 'Late Comer', '555', NULL, tier, profile"
            + " FROM public.customers, generate_series(1, 3) g WHERE id = 1");
      }
      try {
        CopyEngine engine = new CopyEngine(registry, MaskingKey.of("engine-key-0123456789"));
        assertEquals(20_000, engine.copy(plan.task(), hb -> {}).rows());
        assertEquals(20_000L, count(plan));
      } finally {
        try (Connection c = TestPostgres.connect(databases.source());
            Statement s = c.createStatement()) {
          s.execute("DELETE FROM public.customers WHERE full_name = 'Late Comer'");
        }
      }
    }
  }

  @Test
  void aNewAttemptEndsTheSessionsOfAnAbandonedOneAndCopiesTheChunkOnce() throws Exception {
    try (HeldBuild plan = prepared("engine-abandoned")) {
      CopyEngine engine = new CopyEngine(registry, MaskingKey.of("engine-key-0123456789"));
      // attempt 1 stalls mid-stream, holding its target transaction and its source session, as
      // an attempt does whose worker lost touch with Temporal
      java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
      TableTask t = plan.task();
      TableTask slow = new TableTask(t.pipelineId(), t.runId(), t.taskId(), t.sourceConnection(),
          t.targetConnection(), t.targetDatabase(), t.targetSchema(), t.sourceSchema(), t.table(),
          t.columns(), "pg_sleep(0.0002) IS NOT NULL", null, t.chunk(), t.estimatedRows(), null,
          null, null, t.epoch(), t.runUid());
      java.util.concurrent.CompletableFuture<TaskResult> first =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
              return engine.copy(slow, hb -> {
                stalled.countDown();
                try {
                  never.await(2, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
            } catch (SQLException e) {
              throw new java.util.concurrent.CompletionException(e);
            }
          });
      assertTrue(stalled.await(2, java.util.concurrent.TimeUnit.MINUTES), "attempt 1 started");

      // attempt 2 of the same task: ends attempt 1's sessions instead of waiting behind them
      TaskResult second = engine.copy(plan.task(), hb -> {});
      never.countDown();

      assertEquals(20_000, second.rows());
      assertEquals(20_000L, count(plan), "the chunk is in the build database once");
      java.util.concurrent.ExecutionException abandoned = assertThrows(
          java.util.concurrent.ExecutionException.class,
          () -> first.get(2, java.util.concurrent.TimeUnit.MINUTES));
      assertTrue(abandoned.getCause() instanceof SQLException
          || abandoned.getCause().getCause() instanceof SQLException, abandoned.toString());
    }
  }

  @Test
  void aChunkOfARunWhoseBuildDatabaseWasDroppedStopsAsGoneNotAsAFailure() throws Exception {
    HeldBuild plan = prepared("engine-gone");
    TableTask task = plan.task();
    plan.close();
    CopyEngine engine = new CopyEngine(registry, MaskingKey.of("engine-key-0123456789"));
    assertThrows(CopyEngine.BuildDatabaseGoneException.class,
        () -> engine.copy(task, hb -> {}));
  }

  private static TableTask withChunk(TableTask t, String suffix, ChunkRange chunk) {
    return new TableTask(t.pipelineId(), t.runId(), t.table() + suffix, t.sourceConnection(),
        t.targetConnection(), t.targetDatabase(), t.targetSchema(), t.sourceSchema(), t.table(),
        t.columns(), t.where(), t.sample(), chunk, t.estimatedRows(), null, null, null,
        t.epoch(), t.runUid());
  }

  /** Pages, all-visible pages and all-frozen pages of the staging table (pg_visibility). */
  private static long[] visibility(HeldBuild plan) throws Exception {
    try (Connection c = TestPostgres.connect(plan.settings());
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_visibility");
      String table = "'public.customers'";
      try (ResultSet rs = s.executeQuery("SELECT pg_relation_size(" + table + ")"
          + " / current_setting('block_size')::bigint, v.all_visible, v.all_frozen"
          + " FROM pg_visibility_map_summary(" + table + ") v")) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
      }
    }
  }

  private static long count(HeldBuild plan) throws Exception {
    try (Connection c = TestPostgres.connect(plan.settings());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM public.customers")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
