package dev.veil.activities.target;

import static dev.veil.activities.db.Sql.ident;
import static dev.veil.activities.db.Sql.qualified;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.GuardedStatements;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.plan.Planner;
import dev.veil.workflows.plan.NamedDdl;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SequenceSync;
import dev.veil.workflows.plan.SwapResult;
import dev.veil.workflows.plan.TablePlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Everything Veil does to a target database. Work happens in the run's staging schema; the live
 * twin changes only in {@link #swap}, in one transaction, so readers see the old twin or the new
 * one and a failed run leaves the old one exactly as it was.
 */
public final class TargetDatabase {

  /** Schema holding the target's run ledger. */
  public static final String LEDGER_SCHEMA = "_veil";

  private static final long HEARTBEAT_MILLIS = 5_000;
  private final ConnectionRegistry connections;

  public TargetDatabase(ConnectionRegistry connections) {
    this.connections = connections;
  }

  /** Creates the staging schema anew with empty tables and the chunk ledger. */
  public void prepare(RunPlan plan) throws SQLException {
    try (Connection c = connections.open(plan.targetConnection(), "veil-prepare")) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        String staging = ident(plan.stagingSchema());
        s.execute("SET LOCAL lock_timeout = '60s'");
        s.execute("DROP SCHEMA IF EXISTS " + staging + " CASCADE");
        s.execute("CREATE SCHEMA " + staging);
        s.execute(
            "CREATE TABLE " + qualified(plan.stagingSchema(), Planner.LEDGER_TABLE)
                + " (task_id text PRIMARY KEY, rows bigint NOT NULL, bytes bigint NOT NULL,"
                + " millis bigint NOT NULL)");
        for (TablePlan table : plan.tables()) {
          for (String sql : table.ddl().create()) {
            s.execute(sql);
          }
        }
      }
      c.commit();
    }
  }

  /**
   * Builds keys, checks and indexes of every table, then foreign keys, then advances sequences.
   * Tables are built in parallel, up to the run's {@code maxActiveTasks} at once (largest first),
   * each in its own session; the sessions share a {@code maintenance_work_mem} of 256 MB (at least
   * 64 MB each). The first failure cancels the builds still running. Foreign keys and sequences
   * follow in one session. Objects that already exist (a retried build) are skipped.
   */
  public void build(RunPlan plan, Heartbeat heartbeat) throws SQLException {
    List<TablePlan> work = plan.tables().stream()
        .filter(t -> !t.ddl().afterLoad().isEmpty())
        .sorted(Comparator.comparingLong(TablePlan::estimatedRows).reversed())
        .collect(Collectors.toList());
    int sessions = Math.max(1, Math.min(plan.maxActiveTasks(), work.size()));
    buildTables(plan, work, sessions, heartbeat);
    try (Connection c = buildSession(plan, 1);
        GuardedStatements guarded = new GuardedStatements(c, heartbeat, HEARTBEAT_MILLIS)) {
      for (TablePlan table : plan.tables()) {
        for (NamedDdl ddl : table.ddl().foreignKeys()) {
          createIfMissing(c, guarded, plan.stagingSchema(), table, ddl);
        }
      }
      for (TablePlan table : plan.tables()) {
        for (SequenceSync sync : table.ddl().sequences()) {
          advanceSequence(c, plan.stagingSchema(), table.name(), sync);
        }
      }
    }
  }

  /** Keys, checks and indexes of {@code work}, table by table, on {@code sessions} sessions. */
  private void buildTables(RunPlan plan, List<TablePlan> work, int sessions, Heartbeat heartbeat)
      throws SQLException {
    if (work.isEmpty()) {
      return;
    }
    Queue<TablePlan> queue = new ConcurrentLinkedQueue<>(work);
    List<GuardedStatements> open = new CopyOnWriteArrayList<>();
    AtomicReference<Exception> first = new AtomicReference<>();
    ExecutorService pool = Executors.newFixedThreadPool(sessions, r -> {
      Thread t = new Thread(r, "veil-build");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        running.add(pool.submit(() -> {
          try (Connection c = buildSession(plan, sessions);
              GuardedStatements guarded = new GuardedStatements(c, heartbeat, HEARTBEAT_MILLIS)) {
            open.add(guarded);
            TablePlan table;
            while (first.get() == null && (table = queue.poll()) != null) {
              for (NamedDdl ddl : table.ddl().afterLoad()) {
                createIfMissing(c, guarded, plan.stagingSchema(), table, ddl);
              }
            }
          } catch (SQLException | RuntimeException e) {
            if (first.compareAndSet(null, e)) {
              open.forEach(GuardedStatements::stop);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          first.compareAndSet(null, new IllegalStateException("build session failed", e));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          open.forEach(GuardedStatements::stop);
          throw new IllegalStateException("interrupted while building", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Exception failure = first.get();
    if (failure instanceof SQLException e) {
      throw e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
  }

  /** An autocommit session for index builds, sharing 256 MB of sort memory with its siblings. */
  private Connection buildSession(RunPlan plan, int sessions) throws SQLException {
    Connection c = connections.open(plan.targetConnection(), "veil-build");
    try (Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      // sorts for index builds in memory rather than on disk (session-only)
      s.execute("SET maintenance_work_mem = '" + Math.max(64, 256 / sessions) + "MB'");
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private static void createIfMissing(
      Connection c, GuardedStatements guarded, String staging, TablePlan table, NamedDdl ddl)
      throws SQLException {
    if (exists(c, staging, table.name(), ddl)) {
      return;
    }
    try {
      guarded.execute(ddl.sql());
    } catch (SQLException e) {
      throw new BuildException(ddl.kind() + " " + ddl.name() + " of " + table.qualifiedName(), e);
    }
  }

  private static boolean exists(Connection c, String staging, String table, NamedDdl ddl)
      throws SQLException {
    String sql =
        NamedDdl.CONSTRAINT.equals(ddl.kind())
            ? "SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass(?) AND conname = ?"
            : "SELECT 1 FROM pg_catalog.pg_class i JOIN pg_catalog.pg_index x ON x.indexrelid = i.oid"
                + " WHERE x.indrelid = to_regclass(?) AND i.relname = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, qualified(staging, table));
      ps.setString(2, ddl.name());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Sets the sequence to the larger of the source's value and the largest copied value. */
  private static void advanceSequence(Connection c, String staging, String table, SequenceSync sync)
      throws SQLException {
    Long max = null;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT max(" + ident(sync.column()) + ")::bigint FROM "
                    + qualified(staging, table))) {
      if (rs.next()) {
        long v = rs.getLong(1);
        max = rs.wasNull() ? null : v;
      }
    }
    Long value = max;
    if (sync.sourceLastValue() != null && (value == null || sync.sourceLastValue() > value)) {
      value = sync.sourceLastValue();
    }
    if (value == null) {
      return; // empty table, never-used sequence: its start value is right
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(?, ?), ?)")) {
      ps.setString(1, qualified(staging, table));
      ps.setString(2, sync.column());
      ps.setLong(3, value);
      ps.execute();
    }
  }

  /**
   * Replaces the target's tables with the staging ones in one transaction and records the run.
   * A retry after a committed swap finds the ledger row and reports {@code alreadyDone}.
   */
  public SwapResult swap(RunPlan plan) throws SQLException {
    try (Connection c = connections.open(plan.targetConnection(), "veil-swap")) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL lock_timeout = '30s'");
        s.execute("CREATE SCHEMA IF NOT EXISTS " + ident(LEDGER_SCHEMA));
        s.execute(
            "CREATE TABLE IF NOT EXISTS " + qualified(LEDGER_SCHEMA, "runs")
                + " (run_id text PRIMARY KEY, pipeline_id text NOT NULL, pipeline_version text,"
                + " target_schema text NOT NULL, tables integer NOT NULL,"
                + " finished_at timestamptz NOT NULL DEFAULT now())");
        if (ledgerHas(c, plan.runId())) {
          c.commit();
          return new SwapResult(plan.tables().size(), true);
        }
        if (!schemaExists(c, plan.stagingSchema())) {
          throw new BuildException("swap", new SQLException(
              "staging schema " + plan.stagingSchema() + " is gone", "3F000"));
        }
        String target = plan.targetSchema();
        s.execute("CREATE SCHEMA IF NOT EXISTS " + ident(target));
        if (!plan.tables().isEmpty()) {
          String old =
              plan.tables().stream()
                  .map(t -> qualified(target, t.name()))
                  .collect(Collectors.joining(", "));
          s.execute("DROP TABLE IF EXISTS " + old);
          for (TablePlan t : plan.tables()) {
            s.execute(
                "ALTER TABLE " + qualified(plan.stagingSchema(), t.name()) + " SET SCHEMA "
                    + ident(target));
          }
        }
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO " + qualified(LEDGER_SCHEMA, "runs")
                    + " (run_id, pipeline_id, pipeline_version, target_schema, tables)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
          ps.setString(1, plan.runId());
          ps.setString(2, plan.pipelineId());
          ps.setString(3, plan.pipelineVersion());
          ps.setString(4, target);
          ps.setInt(5, plan.tables().size());
          ps.executeUpdate();
        }
        s.execute("DROP SCHEMA " + ident(plan.stagingSchema()) + " CASCADE");
        c.commit();
        return new SwapResult(plan.tables().size(), false);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Drops the staging schema; the live twin is not touched. */
  public void discard(RunPlan plan) throws SQLException {
    try (Connection c = connections.open(plan.targetConnection(), "veil-discard");
        Statement s = c.createStatement()) {
      s.execute("SET lock_timeout = '60s'");
      s.execute("DROP SCHEMA IF EXISTS " + ident(plan.stagingSchema()) + " CASCADE");
    }
  }

  private static boolean ledgerHas(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM " + qualified(LEDGER_SCHEMA, "runs") + " WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static boolean schemaExists(Connection c, String schema) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** A build or swap step that failed; the message names the object. */
  public static final class BuildException extends SQLException {
    private static final long serialVersionUID = 1L;
    private final String object;

    BuildException(String object, SQLException cause) {
      super(object, cause.getSQLState(), cause);
      this.object = object;
    }

    public String object() {
      return object;
    }
  }

}
