package dev.veil.activities.twin;

import static dev.veil.activities.db.Sql.ident;
import static dev.veil.activities.db.Sql.literal;
import static dev.veil.activities.db.Sql.qualified;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.schema.PgTools;
import dev.veil.activities.schema.SchemaArchive;
import dev.veil.activities.schema.Section;
import dev.veil.activities.schema.SequenceValues;
import dev.veil.activities.schema.SequenceValues.SequenceValue;
import dev.veil.activities.schema.TocEntry;
import dev.veil.activities.snapshot.RunSessions;
import dev.veil.activities.snapshot.SnapshotLostException;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.SubsetFilter;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.plan.SwapResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything Veil does on the target server. A run builds the new twin in its own database and
 * swaps it in by renaming databases, so readers see the old twin or the new one, and a failed or
 * cancelled run drops its build database and leaves the old twin exactly as it was.
 *
 * <p>Veil's own bookkeeping lives in the build database's {@code _veil} schema (and so in the
 * twin): the snapshot the run reads under, the chunk ledger, the schema archive, the source's
 * sequence values.
 */
public final class TwinDatabase {

  /** Schema of Veil's bookkeeping in every twin; no source schema may have this name. */
  public static final String VEIL_SCHEMA = "_veil";
  /** The chunk ledger: one row per copied chunk, written in the chunk's load transaction. */
  public static final String CHUNKS = qualified(VEIL_SCHEMA, "chunks");
  /** The snapshot each epoch reads under, written by the snapshot holder. */
  public static final String SNAPSHOTS = qualified(VEIL_SCHEMA, "snapshots");

  private static final String ARCHIVES = qualified(VEIL_SCHEMA, "schema_archives");
  private static final String SEQUENCES = qualified(VEIL_SCHEMA, "sequences");
  private static final String STEPS = qualified(VEIL_SCHEMA, "steps");
  /**
   * The rows of the subset's closure ({@code veil_t, veil_toid, veil_tid}), evaluated once per
   * epoch under the run's snapshot; chunks read their table's ctids from it. Dropped once the
   * copy is done.
   */
  public static final String SUBSET_ROWS = qualified(VEIL_SCHEMA, "subset_rows");
  private static final Duration TOOL_TIMEOUT = Duration.ofHours(2);
  /** Longest {@link #loadSchema} waits for the holder to record the snapshot. */
  private static final Duration SNAPSHOT_WAIT = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(TwinDatabase.class);

  private final ConnectionRegistry connections;
  private final Supplier<PgTools> tools;
  private final Janitor janitor;

  public TwinDatabase(ConnectionRegistry connections, Supplier<PgTools> tools) {
    this.connections = connections;
    this.tools = tools;
    this.janitor = new Janitor(this::maintenance);
  }

  /** Waits until the databases handed to the background drop are gone (for tests and shutdown). */
  public boolean awaitRetiredDropped(Duration timeout) throws InterruptedException {
    return janitor.awaitIdle(timeout);
  }

  /** The twin's database: the target connection's own. */
  public String twinDatabase(String targetConnection) {
    return connections.settings(targetConnection).database();
  }

  /**
   * A session on the target server outside the twin ({@code postgres}, else {@code template1}),
   * for creating, renaming and dropping databases.
   */
  Connection maintenance(String targetConnection) throws SQLException {
    try {
      return connections.open(targetConnection, "veil-twin", "postgres");
    } catch (SQLException e) {
      if ("3D000".equals(e.getSQLState())) {
        return connections.open(targetConnection, "veil-twin", "template1");
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- build database

  /**
   * Creates the build database of {@code plan} anew (an earlier attempt's is dropped first) with
   * Veil's bookkeeping schema, after dropping build databases that dead runs of the same pipeline
   * left behind.
   */
  public void createBuildDatabase(RunPlan plan, int epoch) throws SQLException {
    try (Connection admin = maintenance(plan.targetConnection());
        Statement s = admin.createStatement()) {
      requireCreateDb(admin);
      dropDeadBuilds(admin, plan);
      s.execute("DROP DATABASE IF EXISTS " + ident(plan.buildDatabase()) + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + ident(plan.buildDatabase()) + " TEMPLATE template0"
          + encodingOf(plan));
      s.execute("COMMENT ON DATABASE " + ident(plan.buildDatabase()) + " IS "
          + literal(TwinNames.marker(plan.pipelineId(), plan.runUid())));
    }
    try (Connection c = build(plan, "veil-twin");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + ident(VEIL_SCHEMA));
      s.execute("COMMENT ON SCHEMA " + ident(VEIL_SCHEMA)
          + " IS 'Veil''s bookkeeping for this twin: which run built it, from which snapshot'");
      s.execute("CREATE TABLE " + SNAPSHOTS + " (epoch int PRIMARY KEY, snapshot_id text NOT NULL,"
          + " exported_at timestamptz NOT NULL, released boolean NOT NULL DEFAULT false)");
      s.execute("CREATE TABLE " + CHUNKS + " (task_id text PRIMARY KEY, rows bigint NOT NULL,"
          + " bytes bigint NOT NULL, millis bigint NOT NULL)");
      s.execute("CREATE TABLE " + ARCHIVES + " (epoch int PRIMARY KEY, archive bytea NOT NULL)");
      s.execute("CREATE TABLE " + SEQUENCES + " (schema_name text NOT NULL, sequence_name text"
          + " NOT NULL, last_value bigint NOT NULL, is_called boolean NOT NULL,"
          + " PRIMARY KEY (schema_name, sequence_name))");
      s.execute("CREATE TABLE " + STEPS + " (step text PRIMARY KEY, done_at timestamptz NOT NULL"
          + " DEFAULT now())");
      s.execute("CREATE TABLE " + SUBSET_ROWS + " (t int NOT NULL, toid oid NOT NULL,"
          + " tid tid NOT NULL)");
      s.execute("CREATE TABLE " + qualified(VEIL_SCHEMA, "run") + " AS SELECT "
          + literal(plan.pipelineId()) + "::text AS pipeline_id, " + literal(plan.runId())
          + "::text AS run_id, " + literal(plan.runUid()) + "::text AS run_uid, "
          + (plan.pipelineVersion() == null ? "NULL" : literal(plan.pipelineVersion()))
          + "::text AS pipeline_version, " + epoch + " AS epoch, now() AS built_at");
    }
  }

  /** The source database's encoding, so text survives as it is. */
  private String encodingOf(RunPlan plan) throws SQLException {
    try (Connection source = connections.open(plan.sourceConnection(), "veil-twin");
        Statement s = source.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT pg_catalog.pg_encoding_to_char(encoding) FROM"
                + " pg_catalog.pg_database WHERE datname = pg_catalog.current_database()")) {
      if (rs.next() && rs.getString(1).matches("[A-Z0-9_]+")) {
        return " ENCODING " + literal(rs.getString(1));
      }
    }
    return "";
  }

  private static void requireCreateDb(Connection admin) throws SQLException {
    try (Statement s = admin.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT rolcreatedb OR rolsuper, current_user FROM pg_catalog.pg_roles"
                + " WHERE rolname = current_user")) {
      if (rs.next() && !rs.getBoolean(1)) {
        throw new TwinException("target role " + rs.getString(2) + " cannot create databases:"
            + " each run builds the twin in a new database; grant it with ALTER ROLE "
            + ident(rs.getString(2)) + " CREATEDB");
      }
    }
  }

  /**
   * Drops build databases of the same twin that earlier runs of this pipeline left behind (a
   * killed worker, a dev server that lost its history) and that no session uses. One run of a
   * pipeline is in flight at a time, so any other build database of it is dead.
   */
  int dropDeadBuilds(Connection admin, RunPlan plan) throws SQLException {
    List<String> dead = new ArrayList<>();
    try (PreparedStatement ps =
        admin.prepareStatement(
            "SELECT d.datname, pg_catalog.shobj_description(d.oid, 'pg_database')"
                + " FROM pg_catalog.pg_database d WHERE (d.datname LIKE ? OR d.datname LIKE ?"
                + " OR d.datname LIKE ?) AND d.datname <> ?")) {
      ps.setString(1, TwinNames.buildPattern(plan.twinDatabase()));
      ps.setString(2, TwinNames.asidePattern(plan.twinDatabase()));
      ps.setString(3, TwinNames.retiredPattern(plan.twinDatabase()));
      ps.setString(4, plan.buildDatabase());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String comment = rs.getString(2);
          // a build database of a dead run, or a replaced twin whose background drop died with
          // its worker; an aside still marked as a build (a swap in progress) is never touched
          if (TwinNames.isBuild(plan.twinDatabase(), name) ? TwinNames.markedForPipeline(comment, plan.pipelineId())
              : TwinNames.retiredMarker(plan.pipelineId()).equals(comment)) {
            dead.add(name);
          }
        }
      }
    }
    int dropped = 0;
    for (String db : dead) {
      try (Statement s = admin.createStatement()) {
        // without FORCE: a database someone still uses is left alone
        s.execute("DROP DATABASE IF EXISTS " + ident(db));
        dropped++;
        log.info("dropped build database left by a dead run pipeline={} run={} database={}",
            plan.pipelineId(), plan.runId(), db);
      } catch (SQLException e) {
        log.info("build database of another run still in use, kept pipeline={} run={} database={}",
            plan.pipelineId(), plan.runId(), db);
      }
    }
    return dropped;
  }

  /** Opens a session on the run's build database. */
  public Connection build(RunPlan plan, String applicationName) throws SQLException {
    return connections.open(plan.targetConnection(), applicationName, plan.buildDatabase());
  }

  // ---------------------------------------------------------------- schema

  /**
   * Dumps the source schemas under the run's snapshot, keeps the archive, restores pre-data in
   * one transaction and records the source's sequence values under the same snapshot.
   */
  public void loadSchema(RunPlan plan, int epoch, Heartbeat heartbeat)
      throws SQLException, IOException, InterruptedException {
    try (Connection c = build(plan, "veil-twin")) {
      if (stepDone(c, "pre-data")) {
        // an earlier attempt did it all and its worker died before reporting: done, and the
        // snapshot (which may have died with that worker) is not needed
        return;
      }
    }
    String snapshotId = awaitSnapshot(plan, epoch, heartbeat);
    try (Connection src = connections.open(plan.sourceConnection(),
        RunSessions.applicationName(plan.runUid(), "schema"))) {
      // a snapshot whose holder ended fails pg_dump with a bare tool error: ask first, so that
      // the run starts a new epoch instead of failing
      RunSessions.importSnapshot(src, snapshotId);
      src.rollback();
    }
    PgTools pg = tools.get();
    Path archive = Files.createTempFile("veil-schema-", ".dump");
    try {
      ConnectionSettings source = connections.settings(plan.sourceConnection());
      SchemaArchive.dump(pg, source, plan.schemas(), snapshotId, plan.twin().keepOwnership(),
          archive, TOOL_TIMEOUT);
      try (Connection c = build(plan, "veil-twin")) {
        c.setAutoCommit(false);
        try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO " + ARCHIVES + " (epoch, archive) VALUES (?, ?)"
                + " ON CONFLICT (epoch) DO UPDATE SET archive = excluded.archive")) {
          ps.setInt(1, epoch);
          ps.setBytes(2, Files.readAllBytes(archive));
          ps.executeUpdate();
        }
        c.commit();
      }
      ConnectionSettings target = connections.settings(plan.targetConnection());
      // every new database has schema public already: the dump's CREATE SCHEMA public would fail
      SchemaArchive.restore(pg, archive, target, plan.buildDatabase(), Section.PRE_DATA,
          1, entry -> !("SCHEMA".equals(entry.desc()) && "public".equals(entry.tag())),
          plan.twin().keepOwnership(), TOOL_TIMEOUT);
      try (Connection src = connections.open(plan.sourceConnection(),
          RunSessions.applicationName(plan.runUid(), "schema"));
          Connection c = build(plan, "veil-twin")) {
        RunSessions.importSnapshot(src, snapshotId);
        List<SequenceValue> sequences = SequenceValues.read(src, plan.schemas());
        c.setAutoCommit(false);
        String closure = subsetClosure(plan);
        if (closure != null) {
          long rows = copyClosure(src, c, closure);
          markDone(c, "subset");
          log.info("subset closure evaluated pipeline={} run={} rows={}", plan.pipelineId(),
              plan.runId(), rows);
        }
        try (PreparedStatement ps =
            c.prepareStatement("INSERT INTO " + SEQUENCES + " VALUES (?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
          for (SequenceValue v : sequences) {
            ps.setString(1, v.schema());
            ps.setString(2, v.name());
            ps.setLong(3, v.lastValue());
            ps.setBoolean(4, v.isCalled());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        markDone(c, "pre-data");
        c.commit();
        src.rollback();
      }
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  /** The subset closure's query, when the plan has tables the subset reaches; else null. */
  static String subsetClosure(RunPlan plan) {
    return plan.tables().stream()
        .map(TablePlan::subset)
        .filter(f -> f != null && f.closure() != null)
        .map(SubsetFilter::closure)
        .findFirst()
        .orElse(null);
  }

  /**
   * Evaluates the subset's closure on the source (under the snapshot {@code src} imported) into
   * {@link #SUBSET_ROWS}, streamed with COPY, and indexes it for the chunks' lookups.
   */
  private static long copyClosure(Connection src, Connection build, String closure)
      throws SQLException {
    CopyOut out = src.unwrap(PGConnection.class).getCopyAPI()
        .copyOut("COPY (" + closure + ") TO STDOUT");
    CopyIn in = build.unwrap(PGConnection.class).getCopyAPI()
        .copyIn("COPY " + SUBSET_ROWS + " (t, toid, tid) FROM STDIN");
    try {
      byte[] buf;
      while ((buf = out.readFromCopy()) != null) {
        in.writeToCopy(buf, 0, buf.length);
      }
      long rows = in.endCopy();
      try (Statement s = build.createStatement()) {
        s.execute("CREATE INDEX ON " + SUBSET_ROWS + " (t, toid, tid)");
      }
      return rows;
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
      if (out.isActive()) {
        out.cancelCopy();
      }
    }
  }

  /**
   * The ctids of {@code task}'s table that the subset keeps within the task's page range (as
   * {@code ctid} literals), read from {@link #SUBSET_ROWS}; null when the run did not evaluate
   * the closure (the chunk then filters with the subset's predicate).
   *
   * @param build the task's session on the build database (its transaction is committed)
   * @param tableOid the source table's oid
   */
  public static List<String> subsetRows(Connection build, int closureTag, long tableOid,
      long fromPage, long toPageOrNegative) throws SQLException {
    try {
      if (!stepDone(build, "subset")) {
        return null;
      }
      String sql = "SELECT tid::text FROM " + SUBSET_ROWS + " WHERE t = ? AND toid = ?"
          + " AND tid >= ?::tid" + (toPageOrNegative < 0 ? "" : " AND tid < ?::tid")
          + " ORDER BY tid";
      try (PreparedStatement ps = build.prepareStatement(sql)) {
        ps.setInt(1, closureTag);
        ps.setLong(2, tableOid);
        ps.setString(3, "(" + fromPage + ",0)");
        if (toPageOrNegative >= 0) {
          ps.setString(4, "(" + toPageOrNegative + ",0)");
        }
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
        return out;
      }
    } finally {
      build.commit();
    }
  }

  /** The snapshot id the holder recorded for {@code epoch}, waiting for it to appear. */
  String awaitSnapshot(RunPlan plan, int epoch, Heartbeat heartbeat)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + SNAPSHOT_WAIT.toNanos();
    try (Connection c = build(plan, "veil-twin");
        PreparedStatement ps =
            c.prepareStatement("SELECT snapshot_id, released FROM " + SNAPSHOTS + " WHERE epoch = ?")) {
      ps.setInt(1, epoch);
      while (true) {
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            if (rs.getBoolean(2)) {
              throw new SnapshotLostException("the snapshot of epoch " + epoch + " was released");
            }
            return rs.getString(1);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new SnapshotLostException("no source snapshot was exported within "
              + SNAPSHOT_WAIT.toMinutes() + " minutes (is a worker free to hold it?)");
        }
        heartbeat.beat();
        Thread.sleep(200);
      }
    }
  }

  // ---------------------------------------------------------------- build

  /**
   * Marks the run's source snapshot released: its holder ends within seconds. The leak check does
   * this when it is done with the source (runs recorded before it end their holder at the swap).
   */
  public void releaseSnapshot(RunPlan plan) throws SQLException {
    try (Connection c = build(plan, "veil-twin"); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE " + SNAPSHOTS + " SET released = true");
    }
  }

  /**
   * The run's newest source snapshot, for a step that reads the source after the copy: its id,
   * when it was exported, and whether it was released already (an earlier attempt of the step
   * finished with it).
   *
   * @throws SnapshotLostException when the run recorded none
   */
  public HeldSnapshot runSnapshot(RunPlan plan) throws SQLException {
    try (Connection c = build(plan, "veil-twin");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT snapshot_id, released, exported_at::text FROM "
            + SNAPSHOTS + " ORDER BY epoch DESC LIMIT 1")) {
      if (!rs.next()) {
        throw new SnapshotLostException("the run recorded no source snapshot");
      }
      return new HeldSnapshot(rs.getString(1), rs.getString(3), rs.getBoolean(2));
    }
  }

  /** A source snapshot of a run: its id, when it was exported, whether it was released. */
  public record HeldSnapshot(String id, String exportedAt, boolean released) {}

  /**
   * Restores post-data (skipping what an earlier attempt already built and
   * the foreign keys the plan leaves out), sets sequences and refreshes materialized views.
   */
  public void buildTwin(RunPlan plan) throws SQLException, IOException, InterruptedException {
    Path archive = Files.createTempFile("veil-schema-", ".dump");
    try {
      Set<String> existing;
      List<SequenceValue> sequences = new ArrayList<>();
      try (Connection c = build(plan, "veil-twin")) {
        c.setAutoCommit(false);
        if (stepDone(c, "post-data")) {
          return;
        }
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery("SELECT archive FROM " + ARCHIVES + " ORDER BY epoch DESC LIMIT 1")) {
          if (!rs.next()) {
            throw new TwinException("the build database holds no schema archive");
          }
          Files.write(archive, rs.getBytes(1));
        }
        existing = existingPostDataObjects(c);
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT schema_name, sequence_name, last_value, is_called"
                + " FROM " + SEQUENCES)) {
          while (rs.next()) {
            sequences.add(new SequenceValue(rs.getString(1), rs.getString(2),
                rs.getLong(3), rs.getBoolean(4)));
          }
        }
        c.commit();
      }
      PgTools pg = tools.get();
      List<TocEntry> toc = SchemaArchive.toc(pg, archive);
      Set<String> skippedFks = new HashSet<>(plan.skippedConstraints());
      ConnectionSettings target = connections.settings(plan.targetConnection());
      int jobs = Math.max(1, Math.min(plan.maxActiveTasks(), 8));
      // index builds sort in memory rather than on disk: the jobs share 256 MB, at least 64 MB
      // each (pg_restore's sessions would have the server's default, 64 MB in all by default)
      SchemaArchive.restore(pg, archive, toc, target, plan.buildDatabase(),
          Section.POST_DATA, jobs,
          entry -> !existing.contains(key(entry)) && !skipped(entry, skippedFks),
          plan.twin().keepOwnership(),
          Map.of("maintenance_work_mem", Math.max(64, 256 / jobs) + "MB"), TOOL_TIMEOUT);
      try (Connection c = build(plan, "veil-twin")) {
        c.setAutoCommit(false);
        SequenceValues.apply(c, sequences);
        try (Statement s = c.createStatement()) {
          // the copy is done: the closure's source ctids have no place in the twin
          s.execute("DROP TABLE IF EXISTS " + SUBSET_ROWS);
        }
        for (String matview : SchemaArchive.materializedViewsInOrder(toc)) {
          try (Statement s = c.createStatement()) {
            // refreshed from the masked tables: the twin's views hold masked data too
            s.execute("REFRESH MATERIALIZED VIEW " + matview);
          }
        }
        markDone(c, "post-data");
        c.commit();
      }
    } finally {
      Files.deleteIfExists(archive);
    }
  }

  /** An FK constraint entry the plan leaves out ({@code schema.table.constraint}). */
  private static boolean skipped(TocEntry entry, Set<String> skippedFks) {
    if (!"FK CONSTRAINT".equals(entry.desc())) {
      return false;
    }
    String[] tableAndName = entry.tag().split(" ", 2);
    return tableAndName.length == 2
        && skippedFks.contains(entry.schema() + "." + tableAndName[0] + "." + tableAndName[1]);
  }

  private static String key(TocEntry entry) {
    return entry.desc() + "|" + entry.schema() + "|" + entry.tag();
  }

  /**
   * Post-data objects that exist already (a retried build): their TOC keys, so the retry restores
   * only the rest. Indexes, constraints, triggers, rules and policies fail when made twice.
   */
  private static Set<String> existingPostDataObjects(Connection c) throws SQLException {
    Set<String> out = new HashSet<>();
    String sql =
        "SELECT 'INDEX', n.nspname, i.relname FROM pg_catalog.pg_index x"
            + " JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace"
            + " WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.oid"
            + " AND k.contype IN ('p','u','x'))"
            + " UNION ALL SELECT CASE k.contype WHEN 'f' THEN 'FK CONSTRAINT' ELSE 'CONSTRAINT' END,"
            + " n.nspname, t.relname || ' ' || k.conname FROM pg_catalog.pg_constraint k"
            + " JOIN pg_catalog.pg_class t ON t.oid = k.conrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
            + " WHERE k.contype IN ('p','u','x','f')"
            + " UNION ALL SELECT 'TRIGGER', n.nspname, t.relname || ' ' || g.tgname"
            + " FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class t ON t.oid = g.tgrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE NOT g.tgisinternal"
            + " UNION ALL SELECT 'RULE', n.nspname, t.relname || ' ' || r.rulename"
            + " FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class t ON t.oid = r.ev_class"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace WHERE r.rulename <> '_RETURN'"
            + " UNION ALL SELECT 'POLICY', n.nspname, t.relname || ' ' || p.polname"
            + " FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class t ON t.oid = p.polrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace";
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
      }
    }
    return out;
  }

  private static boolean stepDone(Connection c, String step) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + STEPS + " WHERE step = ?")) {
      ps.setString(1, step);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void markDone(Connection c, String step) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO " + STEPS + " (step) VALUES (?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, step);
      ps.executeUpdate();
    }
  }

  // ---------------------------------------------------------------- swap

  /**
   * Swaps the build database in. See {@code TwinActivities.swapTwin}: block new connections to
   * the old twin, wait for its sessions, terminate the rest (or fail and keep it), rename both in
   * one transaction, drop or keep the old one.
   */
  public SwapResult swap(RunPlan plan, Heartbeat heartbeat)
      throws SQLException, InterruptedException {
    String twin = plan.twinDatabase();
    String build = plan.buildDatabase();
    int tables = plan.tables().size();
    try (Connection admin = maintenance(plan.targetConnection())) {
      if (!exists(admin, build)) {
        if (TwinNames.marker(plan.pipelineId(), plan.runUid()).equals(comment(admin, twin))) {
          return new SwapResult(tables, true,
              plan.twin().keepPrevious() ? TwinNames.previous(twin) : null);
        }
        throw new TwinException("the build database " + build + " is gone; the twin was not"
            + " replaced");
      }
      // our own sessions on the build database (a released holder) must not block its rename
      terminateSessions(admin, build);
      if (!exists(admin, twin)) {
        rename(admin, build, twin);
        return new SwapResult(tables, false, null);
      }
      String aside = TwinNames.aside(twin, plan.runUid());
      log.info("swapping the new twin in pipeline={} run={} database={}", plan.pipelineId(),
          plan.runId(), twin);
      replaceTwin(admin, twin, plan.twin().swapWaitSeconds(), plan.twin().terminateSessions(),
          heartbeat, s -> {
            s.execute("SET LOCAL lock_timeout = '30s'");
            s.execute("ALTER DATABASE " + ident(twin) + " RENAME TO " + ident(aside));
            s.execute("ALTER DATABASE " + ident(build) + " RENAME TO " + ident(twin));
          });
      return new SwapResult(tables, false,
          plan.twin().keepPrevious() ? TwinNames.previous(twin) : null);
    }
  }

  /**
   * Retires the replaced twin, or keeps it as the previous twin ({@code keepPrevious}, retiring
   * the older previous one). A retired database is marked {@link TwinNames#retiredMarker} and
   * dropped by the {@link Janitor} in the background: {@code DROP DATABASE} forces a checkpoint
   * (it writes out the new twin's pages), which is housekeeping, not the run's critical path. If
   * the worker dies before the drop, the pipeline's next run drops it ({@link #dropDeadBuilds}),
   * as does {@code veil cleanup}.
   */
  public void finishSwap(RunPlan plan) throws SQLException {
    String twin = plan.twinDatabase();
    String aside = TwinNames.aside(twin, plan.runUid());
    String retired;
    try (Connection admin = maintenance(plan.targetConnection())) {
      if (!exists(admin, aside)) {
        return;
      }
      String marker = literal(TwinNames.retiredMarker(plan.pipelineId()));
      String previous = TwinNames.previous(twin);
      retired = !plan.twin().keepPrevious() ? aside
          : exists(admin, previous) ? TwinNames.retired(twin, plan.runUid()) : null;
      inOneTransaction(admin, s -> {
        if (plan.twin().keepPrevious()) {
          if (retired != null) {
            s.execute("ALTER DATABASE " + ident(previous) + " RENAME TO " + ident(retired));
          }
          s.execute("ALTER DATABASE " + ident(aside) + " RENAME TO " + ident(previous));
        }
        if (retired != null) {
          s.execute("COMMENT ON DATABASE " + ident(retired) + " IS " + marker);
        }
      });
      if (plan.twin().keepPrevious()) {
        log.info("previous twin kept pipeline={} run={} database={}", plan.pipelineId(),
            plan.runId(), previous);
      }
    }
    if (retired != null) {
      janitor.drop(plan.targetConnection(), retired, plan.pipelineId(), plan.runId());
    }
  }

  /**
   * Puts the replaced twin back (the run was cancelled while it swapped): the new twin goes back
   * to the build database's name, to be dropped with it.
   */
  public void undoSwap(RunPlan plan) throws SQLException {
    String twin = plan.twinDatabase();
    String aside = TwinNames.aside(twin, plan.runUid());
    try (Connection admin = maintenance(plan.targetConnection())) {
      if (!TwinNames.marker(plan.pipelineId(), plan.runUid()).equals(comment(admin, twin))) {
        return; // the swap never happened (or was undone already)
      }
      terminateSessions(admin, twin);
      boolean asideExists = exists(admin, aside);
      inOneTransaction(admin, s -> {
        s.execute("ALTER DATABASE " + ident(twin) + " RENAME TO " + ident(plan.buildDatabase()));
        if (asideExists) {
          s.execute("ALTER DATABASE " + ident(aside) + " RENAME TO " + ident(twin));
        }
      });
      if (exists(admin, twin)) {
        try (Statement s = admin.createStatement()) {
          s.execute("ALTER DATABASE " + ident(twin) + " ALLOW_CONNECTIONS true");
        }
      }
    }
  }

  /**
   * Waits up to {@code swapWaitSeconds} for sessions on the twin to end, then terminates the
   * rest, or fails when terminating is off.
   */
  /**
   * Replaces the database named {@code twin}: blocks new connections to it, waits for its sessions
   * ({@link #awaitNoSessions}), then runs {@code renames} in one transaction. When anything fails
   * the twin takes connections again, unchanged.
   */
  private static void replaceTwin(Connection admin, String twin, int waitSeconds,
      boolean terminate, Heartbeat heartbeat, Statements renames)
      throws SQLException, InterruptedException {
    try (Statement s = admin.createStatement()) {
      s.execute("ALTER DATABASE " + ident(twin) + " ALLOW_CONNECTIONS false");
    }
    boolean swapped = false;
    try {
      awaitNoSessions(admin, twin, waitSeconds, terminate, heartbeat);
      inOneTransaction(admin, renames);
      swapped = true;
    } finally {
      if (!swapped) {
        try (Statement s = admin.createStatement()) {
          s.execute("ALTER DATABASE " + ident(twin) + " ALLOW_CONNECTIONS true");
        }
      }
    }
  }

  /**
   * Waits up to {@code waitSeconds} for sessions on the twin to end, then terminates the rest, or
   * fails when terminating is off.
   */
  private static void awaitNoSessions(Connection admin, String twin, int waitSeconds,
      boolean terminate, Heartbeat heartbeat) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
    int left;
    while ((left = sessions(admin, twin)) > 0 && System.nanoTime() < deadline) {
      heartbeat.beat();
      Thread.sleep(250);
    }
    if (left == 0) {
      return;
    }
    if (!terminate) {
      throw new TwinException(left + " session(s) still connected to " + twin + " after "
          + waitSeconds + " s and target.terminateSessions is false: the old twin is kept");
    }
    log.info("terminating sessions on the old twin database={} sessions={}", twin, left);
    terminateSessions(admin, twin);
    long terminateDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (sessions(admin, twin) > 0) {
      if (System.nanoTime() > terminateDeadline) {
        throw new TwinException("sessions on " + twin + " did not end after being terminated:"
            + " the old twin is kept");
      }
      heartbeat.beat();
      Thread.sleep(100);
    }
  }

  private static int sessions(Connection admin, String database) throws SQLException {
    try (PreparedStatement ps =
        admin.prepareStatement("SELECT count(*) FROM pg_catalog.pg_stat_activity"
            + " WHERE datname = ? AND pid <> pg_catalog.pg_backend_pid()")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void terminateSessions(Connection admin, String database) throws SQLException {
    try (PreparedStatement ps =
        admin.prepareStatement("SELECT pg_catalog.pg_terminate_backend(pid)"
            + " FROM pg_catalog.pg_stat_activity WHERE datname = ?"
            + " AND pid <> pg_catalog.pg_backend_pid()")) {
      ps.setString(1, database);
      ps.executeQuery().close();
    }
  }

  /** Statements on the maintenance session that must happen together or not at all. */
  private interface Statements {
    void run(Statement s) throws SQLException;
  }

  private static void inOneTransaction(Connection admin, Statements work) throws SQLException {
    admin.setAutoCommit(false);
    try (Statement s = admin.createStatement()) {
      work.run(s);
      admin.commit();
    } catch (SQLException e) {
      admin.rollback();
      throw e;
    } finally {
      admin.setAutoCommit(true);
    }
  }

  private static void rename(Connection admin, String from, String to) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("ALTER DATABASE " + ident(from) + " RENAME TO " + ident(to));
    }
  }

  static boolean exists(Connection admin, String database) throws SQLException {
    try (PreparedStatement ps =
        admin.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static String comment(Connection admin, String database) throws SQLException {
    try (PreparedStatement ps =
        admin.prepareStatement("SELECT pg_catalog.shobj_description(oid, 'pg_database')"
            + " FROM pg_catalog.pg_database WHERE datname = ?")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  // ---------------------------------------------------------------- discard, rollback, cleanup

  /** Drops the run's build database and ends the run's sessions on the source. */
  public void discard(RunPlan plan) throws SQLException {
    try (Connection admin = maintenance(plan.targetConnection());
        Statement s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + ident(plan.buildDatabase()) + " WITH (FORCE)");
    }
    RunSessions.terminate(connections, plan.sourceConnection(), plan.runUid());
  }

  /**
   * Swaps the kept previous twin back in ({@code veil rollback}): the current twin becomes the
   * previous one, so a second rollback undoes the first.
   *
   * @return what happened, in words
   */
  public String rollback(String targetConnection, int waitSeconds, boolean terminate,
      Heartbeat heartbeat) throws SQLException, InterruptedException {
    String twin = twinDatabase(targetConnection);
    String previous = TwinNames.previous(twin);
    String swapping = TwinNames.rollingBack(twin);
    try (Connection admin = maintenance(targetConnection)) {
      if (!exists(admin, previous)) {
        throw new TwinException("no previous twin of " + twin + " is kept (" + previous
            + " does not exist): set target.keepPrevious: true so runs keep one");
      }
      try (Statement s = admin.createStatement()) {
        s.execute("ALTER DATABASE " + ident(previous) + " ALLOW_CONNECTIONS true");
      }
      if (!exists(admin, twin)) {
        rename(admin, previous, twin);
        return "restored " + twin + " from " + previous;
      }
      replaceTwin(admin, twin, waitSeconds, terminate, heartbeat, s -> {
        s.execute("ALTER DATABASE " + ident(twin) + " RENAME TO " + ident(swapping));
        s.execute("ALTER DATABASE " + ident(previous) + " RENAME TO " + ident(twin));
        s.execute("ALTER DATABASE " + ident(swapping) + " RENAME TO " + ident(previous));
      });
      try (Statement s = admin.createStatement()) {
        // kept for a rollback of the rollback: it takes connections as a previous twin does
        s.execute("ALTER DATABASE " + ident(previous) + " ALLOW_CONNECTIONS true");
      }
      return "swapped " + twin + " back to the previous twin; the replaced one is kept as "
          + previous;
    }
  }

  /**
   * Drops every build database of the twin that no session uses (what dead runs left behind), for
   * {@code veil cleanup}. Returns the names dropped.
   */
  public List<String> cleanUp(String targetConnection) throws SQLException {
    String twin = twinDatabase(targetConnection);
    List<String> names = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    try (Connection admin = maintenance(targetConnection)) {
      try (PreparedStatement ps =
          admin.prepareStatement("SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE ?"
              + " OR datname LIKE ? OR datname LIKE ?")) {
        ps.setString(1, TwinNames.buildPattern(twin));
        ps.setString(2, TwinNames.asidePattern(twin));
        ps.setString(3, TwinNames.retiredPattern(twin));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            names.add(rs.getString(1));
          }
        }
      }
      for (String db : names) {
        try (Statement s = admin.createStatement()) {
          s.execute("DROP DATABASE IF EXISTS " + ident(db));
          dropped.add(db);
        } catch (SQLException e) {
          log.info("database {} is in use, kept", db);
        }
      }
    }
    return dropped;
  }

  /** A twin step that cannot succeed as things are; the message says why and what to do. */
  public static final class TwinException extends RuntimeException {
    public TwinException(String message) {
      super(message);
    }
  }
}
