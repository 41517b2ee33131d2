package dev.veil.activities.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.RunHarness;
import dev.veil.activities.testing.TestPostgres;
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
import io.temporal.client.WorkflowStub;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One source snapshot for the whole run: a chunked table that other sessions keep writing to is
 * copied exactly as it was at one instant, and losing the connection that holds the snapshot
 * starts the copy over under a new one, without duplicates.
 */
class ConsistentSnapshotIT {

  private static final int ACCOUNTS = 200_000;
  private static final long BALANCE = 1_000;

  private static ConnectionSettings source;
  private ConnectionSettings twin;
  private RunHarness harness;

  @BeforeAll
  static void bank() throws SQLException {
    source = TestPostgres.createDatabase("veil_bank_src");
    try (Connection c = TestPostgres.connect(source);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL,"
          + " balance bigint NOT NULL)");
      s.execute("INSERT INTO accounts SELECT g, 'owner' || g || '@bank.test', " + BALANCE
          + " FROM generate_series(1, " + ACCOUNTS + ") g");
      s.execute("ANALYZE accounts");
    }
  }

  @AfterAll
  static void drop() {
    TestPostgres.dropDatabase(source);
  }

  @BeforeEach
  void harness() {
    twin = source.withDatabase("veil_bank_twin_" + ProcessHandle.current().pid());
    harness = new RunHarness(source, twin);
  }

  @AfterEach
  void close() throws SQLException {
    harness.close();
    TestPostgres.dropDatabases(twin.database());
  }

  /** Chunks of 20,000 rows, two at a time: the table is copied as ten page ranges. */
  private static PipelineSpec spec(String id) {
    return new PipelineSpec(id, "v1", null, 2, null, new SourceSpec("src", List.of("public")),
        new TargetSpec("tgt"), new TablesSpec(null, null, null, 20_000L),
        // the owners are e-mail addresses: masked, as the leak check (mode fail) demands
        Map.of("public.accounts.owner", RuleSpec.of("email")), null, null,
        null, null, null, null);
  }

  @Test
  void aChunkedTableUnderConcurrentTransfersIsCopiedAtOneInstant() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong transfers = new AtomicLong();
    Thread writer = new Thread(() -> transfer(stop, transfers), "transfers");
    writer.start();
    RunSummary summary;
    try {
      // moving money while the copy runs: every UPDATE writes a new row version elsewhere in
      // the heap, so chunks read at different instants would see some rows twice, others never
      awaitCondition("transfers are under way", () -> transfers.get() > 100);
      summary = harness.run(spec("bank"), "veil-run-bank-1");
    } finally {
      stop.set(true);
      writer.join();
    }
    assertEquals(RunState.SUCCEEDED, summary.state());
    assertTrue(summary.rows() == ACCOUNTS, "rows copied: " + summary.rows());
    try (Connection dst = TestPostgres.connect(twin)) {
      assertEquals(ACCOUNTS, scalar(dst, "SELECT count(*) FROM accounts"));
      assertEquals(ACCOUNTS, scalar(dst, "SELECT count(DISTINCT id) FROM accounts"));
      assertEquals(ACCOUNTS * BALANCE, scalar(dst, "SELECT sum(balance) FROM accounts"),
          "the money in the twin is exactly the money there ever was");
    }
    System.out.printf("transfers during the run: %d%n", transfers.get());
  }

  @Test
  void losingTheSnapshotHolderStartsTheCopyOverUnderANewSnapshotWithoutDuplicates()
      throws Exception {
    harness.define(spec("gated-bank"));
    PipelineRunWorkflow run = harness.stub("veil-run-gated-bank-1");
    WorkflowClient.start(run::run, PipelineRunInput.of("gated-bank"));
    harness.gate().awaitWaiting();
    String runUid = WorkflowStub.fromTyped(run).getExecution().getRunId();
    try (Connection admin = TestPostgres.connect(source);
        java.sql.PreparedStatement ps = admin.prepareStatement(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE application_name = ?")) {
      // the connection that holds this run's exported snapshot dies, as it would with its worker
      // (the holder of the class's earlier run may still be ending: runs do not wait for it)
      ps.setString(1, dev.veil.activities.snapshot.RunSessions.applicationName(runUid, "snapshot"));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertEquals(1, rs.getLong(1));
      }
    }
    awaitCondition("the first epoch's build database is dropped", this::noBuildDatabase);
    harness.gate().open();
    RunSummary summary = WorkflowStub.fromTyped(run).getResult(RunSummary.class);

    assertEquals(RunState.SUCCEEDED, summary.state());
    assertEquals(ACCOUNTS, summary.rows(), "rows are counted once, in the epoch that kept them");
    try (Connection dst = TestPostgres.connect(twin)) {
      assertEquals(ACCOUNTS, scalar(dst, "SELECT count(*) FROM accounts"));
      assertEquals(ACCOUNTS * BALANCE, scalar(dst, "SELECT sum(balance) FROM accounts"));
      assertEquals(2L, scalar(dst, "SELECT epoch FROM _veil.run"), "copied under a second snapshot");
    }
  }

  private boolean noBuildDatabase() {
    try {
      return TestPostgres.databasesLike(twin.database() + "\\_\\_veil\\_b%").isEmpty();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Moves money between random accounts, one transaction per transfer, until told to stop. */
  private static void transfer(AtomicBoolean stop, AtomicLong transfers) {
    try (Connection c = TestPostgres.connect(source);
        PreparedStatement move = c.prepareStatement(
            "UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
      c.setAutoCommit(false);
      ThreadLocalRandom random = ThreadLocalRandom.current();
      while (!stop.get()) {
        int from = random.nextInt(1, ACCOUNTS + 1);
        int to = random.nextInt(1, ACCOUNTS + 1);
        long amount = random.nextLong(1, 50);
        move.setLong(1, -amount);
        move.setInt(2, from);
        move.executeUpdate();
        move.setLong(1, amount);
        move.setInt(2, to);
        move.executeUpdate();
        c.commit();
        transfers.incrementAndGet();
      }
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
      Thread.sleep(20);
    }
  }

  private static long scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
