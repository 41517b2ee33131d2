package dev.veil.activities.copy;

import static dev.veil.activities.db.Sql.ident;
import static dev.veil.activities.db.Sql.qualified;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.snapshot.RunSessions;
import dev.veil.activities.twin.TwinDatabase;
import dev.veil.activities.snapshot.SnapshotLostException;
import dev.veil.activities.rules.ColumnType;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.rules.RowShape;
import dev.veil.activities.rules.RuleContext;
import dev.veil.activities.rules.RuleType;
import dev.veil.activities.rules.Rules;
import dev.veil.activities.rules.ValueTransform;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskHeartbeat;
import dev.veil.workflows.plan.TaskResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

/**
 * The data path of one task: {@code COPY (SELECT …) TO STDOUT} on the source under the run's
 * snapshot, the column rules, {@code COPY … FROM STDIN} into the same table of the run's build
 * database, all in binary format and streamed. The load and the task's ledger row commit in one
 * target transaction, so a chunk is either wholly in the build database and recorded, or not there
 * at all; a retry returns the recorded result or starts over.
 */
public final class CopyEngine {

  private final ConnectionRegistry connections;
  private final MaskingKey key;

  public CopyEngine(ConnectionRegistry connections, MaskingKey key) {
    this.connections = connections;
    this.key = key;
  }

  /**
   * Copies one task.
   *
   * @param progress receives rows and bytes every few thousand rows; throwing from it aborts the
   *     copy and rolls the chunk back
   */
  public TaskResult copy(TableTask task, Consumer<TaskHeartbeat> progress) throws SQLException {
    long started = System.nanoTime();
    String targetSession = RunSessions.taskApplicationName(task.runUid(), task.taskId(), 't');
    String sourceSession = RunSessions.taskApplicationName(task.runUid(), task.taskId(), 's');
    Connection target = openBuild(task, targetSession);
    try (target;
        Connection source = connections.open(task.sourceConnection(), sourceSession)) {
      // An earlier attempt of this task that Temporal gave up on may still be streaming: end its
      // sessions so that it neither blocks this attempt nor writes behind it.
      RunSessions.terminate(target, targetSession);
      RunSessions.terminate(source, sourceSession);
      target.setAutoCommit(false);
      TaskResult done = recorded(target, task);
      if (done != null) {
        return done;
      }
      RunSessions.importSnapshot(source, snapshotOf(target, task));
      List<String> subsetRows = subsetRows(target, source, task);
      List<ColumnPlan> copied =
          task.columns().stream().filter(c -> !c.generated()).collect(Collectors.toList());
      ValueTransform[] transforms = transforms(copied, source);

      CopyManager sourceCopy = source.unwrap(PGConnection.class).getCopyAPI();
      CopyManager targetCopy = target.unwrap(PGConnection.class).getCopyAPI();
      boolean freeze = wholeTable(task);
      if (freeze) {
        emptyForFreeze(target, task);
      }
      CopyIn in = targetCopy.copyIn(copyInSql(task, copied, freeze));
      CopyOut out = null;
      try {
        out = sourceCopy.copyOut(copyOutSql(task, copied, java.util.Set.of(), subsetRows));
        BinaryCopyStream stream = new BinaryCopyStream(out, in, transforms);
        long rows =
            stream.run((r, b) -> progress.accept(new TaskHeartbeat(task.taskId(), r, b)));
        in.endCopy();
        long millis = (System.nanoTime() - started) / 1_000_000;
        TaskResult result = new TaskResult(task.taskId(), rows, stream.bytesRead(), millis);
        if (!record(target, task, result)) {
          // another attempt of this task (one the server gave up on too early) committed the
          // chunk first: ours is rolled back and theirs is the result
          target.rollback();
          return recorded(target, task);
        }
        target.commit();
        source.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        abort(in, out, target);
        throw e;
      }
    } catch (SQLException e) {
      if (!buildDatabaseExists(task)) {
        throw new BuildDatabaseGoneException(task.targetDatabase());
      }
      throw e;
    }
  }

  /** A session on the build database; {@link BuildDatabaseGoneException} if it was dropped. */
  private Connection openBuild(TableTask task, String session) throws SQLException {
    try {
      return connections.open(task.targetConnection(), session, task.targetDatabase());
    } catch (SQLException e) {
      if ("3D000".equals(e.getSQLState())) {
        throw new BuildDatabaseGoneException(task.targetDatabase());
      }
      throw e;
    }
  }

  /** Whether the build database still exists (asked after a failure: was it dropped?). */
  private boolean buildDatabaseExists(TableTask task) {
    try (Connection admin = connections.open(task.targetConnection(), "veil-task", "postgres");
        PreparedStatement ps =
            admin.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
      ps.setString(1, task.targetDatabase());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      return true;
    }
  }

  /** The snapshot the task's epoch reads under, as the holder recorded it. */
  private static String snapshotOf(Connection target, TableTask task) throws SQLException {
    try (PreparedStatement ps =
        target.prepareStatement("SELECT snapshot_id, released FROM " + TwinDatabase.SNAPSHOTS
            + " WHERE epoch = ?")) {
      ps.setInt(1, task.epoch());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getBoolean(2)) {
          throw new SnapshotLostException("the run's source snapshot of epoch " + task.epoch()
              + " is not held any more");
        }
        return rs.getString(1);
      }
    } finally {
      // the ledger read and this read must not pin an old target snapshot for the load
      target.commit();
    }
  }

  /** The run dropped its build database (a sibling task failed, or the run was cancelled). */
  public static final class BuildDatabaseGoneException extends RuntimeException {
    public BuildDatabaseGoneException(String database) {
      super("the run's build database " + database + " is gone: the run stopped this task");
    }
  }

  /**
   * Whether the task copies its table whole (one chunk). Only then is it the staging table's one
   * writer, so it may empty the table in its own transaction and load it with {@code FREEZE}.
   */
  static boolean wholeTable(TableTask task) {
    return task.chunk() == null || (task.chunk().fromPage() == 0 && task.chunk().openEnded());
  }

  /**
   * Truncates the (empty) staging table in the load's transaction, which is what lets {@code COPY
   * … FREEZE} write the rows frozen and the pages all-visible: the PK build that follows and the
   * first reads of the copy then set no hint bits, and the copy needs no anti-wraparound vacuum.
   * An earlier attempt of this task that still holds the table is waited for at most 30 s; past
   * that the attempt fails and is retried.
   */
  private static void emptyForFreeze(Connection target, TableTask task) throws SQLException {
    try (Statement s = target.createStatement()) {
      s.execute("SET LOCAL lock_timeout = '30s'");
      // ONLY: an inheritance parent's children are tasks of their own
      s.execute("TRUNCATE ONLY " + qualified(task.targetSchema(), task.table()));
      s.execute("SET LOCAL lock_timeout = DEFAULT");
    }
  }

  /** The ledger row of a chunk that committed before (a retry after a crash), or null. */
  private static TaskResult recorded(Connection target, TableTask task) throws SQLException {
    try (PreparedStatement ps =
        target.prepareStatement(
            "SELECT rows, bytes, millis FROM " + TwinDatabase.CHUNKS + " WHERE task_id = ?")) {
      ps.setString(1, task.taskId());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return new TaskResult(task.taskId(), rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
      }
    }
    return null;
  }

  /**
   * Writes the chunk's ledger row in the load's transaction. If a concurrent attempt holds the
   * row, this waits for it: false means that attempt committed first.
   */
  private static boolean record(Connection target, TableTask task, TaskResult result)
      throws SQLException {
    try (PreparedStatement ps =
        target.prepareStatement(
            "INSERT INTO " + TwinDatabase.CHUNKS
                + " (task_id, rows, bytes, millis) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (task_id) DO NOTHING")) {
      ps.setString(1, task.taskId());
      ps.setLong(2, result.rows());
      ps.setLong(3, result.bytes());
      ps.setLong(4, result.millis());
      return ps.executeUpdate() == 1;
    }
  }

  private static void abort(CopyIn in, CopyOut out, Connection target) {
    try {
      if (out != null && out.isActive()) {
        out.cancelCopy();
      }
    } catch (SQLException ignored) {
      // the connection is closed next anyway
    }
    try {
      if (in.isActive()) {
        in.cancelCopy();
      }
    } catch (SQLException ignored) {
      // idem
    }
    try {
      target.rollback();
    } catch (SQLException ignored) {
      // idem
    }
  }

  /**
   * The rule of each column ({@code null} where the value passes through), with literals encoded
   * by the source's send functions. A delivery applies the same rules as a twin.
   */
  public ValueTransform[] transforms(List<ColumnPlan> columns, Connection source) {
    ValueTransform[] out = new ValueTransform[columns.size()];
    RowShape row = new RowShape(
        columns.stream().map(ColumnPlan::name).collect(Collectors.toList()),
        columns.stream().map(c -> ColumnType.parse(c.type())).collect(Collectors.toList()));
    for (int i = 0; i < columns.size(); i++) {
      ColumnPlan c = columns.get(i);
      if (c.rule() == null) {
        continue;
      }
      RuleType type = Rules.find(c.rule());
      if (type == null) {
        throw new IllegalArgumentException("unknown rule '" + c.rule() + "' on column " + c.name());
      }
      String columnType = c.type();
      out[i] =
          type.create(
              c.params(),
              new RuleContext(key, c.name(), text -> encode(source, columnType, text),
                  ColumnType.parse(columnType), row));
    }
    return out;
  }

  /** A text literal in a type's binary representation, via the type's send function. */
  static byte[] encode(Connection source, String type, String text) {
    try {
      String sendFunction;
      String typeName;
      try (PreparedStatement ps =
          source.prepareStatement(
              "SELECT t.typsend::regproc::text, format_type(t.oid, NULL)"
                  + " FROM pg_catalog.pg_type t WHERE t.oid = pg_catalog.to_regtype(?)")) {
        ps.setString(1, type);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new IllegalArgumentException("unknown type " + type);
          }
          sendFunction = rs.getString(1);
          typeName = rs.getString(2);
        }
      }
      if (!sendFunction.matches("[A-Za-z0-9_.\"]+")) {
        throw new IllegalArgumentException("unexpected send function for " + type);
      }
      try (PreparedStatement ps =
          source.prepareStatement("SELECT " + sendFunction + "(CAST(? AS " + typeName + "))")) {
        ps.setString(1, text);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getBytes(1);
        }
      }
    } catch (SQLException e) {
      throw new IllegalArgumentException(
          "value is not a valid " + type + " (SQLSTATE " + e.getSQLState() + ")", e);
    }
  }

  /** Past this many rows in one chunk, a chunk filters with the subset's predicate instead. */
  static final int MAX_SUBSET_ROWS_PER_CHUNK = 2_000_000;

  /**
   * The ctids of the task's subset rows in its page range, when the run evaluated the subset's
   * closure once (see {@code TwinDatabase.SUBSET_ROWS}); null to filter with the predicate.
   */
  private static List<String> subsetRows(Connection target, Connection source, TableTask task)
      throws SQLException {
    if (task.subset() == null || task.subset().closureTag() == null) {
      return null;
    }
    long oid;
    try (PreparedStatement ps =
        source.prepareStatement("SELECT ?::pg_catalog.regclass::pg_catalog.oid")) {
      ps.setString(1, qualified(task.sourceSchema(), task.table()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        oid = rs.getLong(1);
      }
    }
    long from = task.chunk() == null ? 0 : task.chunk().fromPage();
    long to = task.chunk() == null || task.chunk().openEnded() ? -1 : task.chunk().toPage();
    List<String> rows =
        TwinDatabase.subsetRows(target, task.subset().closureTag(), oid, from, to);
    return rows != null && rows.size() <= MAX_SUBSET_ROWS_PER_CHUNK ? rows : null;
  }

  static String copyOutSql(TableTask task, List<ColumnPlan> columns) {
    return copyOutSql(task, columns, java.util.Set.of(), null);
  }

  /**
   * The source side of a task: {@code COPY (SELECT …) TO STDOUT (FORMAT binary)} of its chunk,
   * filter, sample and subset; the columns in {@code asText} are read as their text form (a
   * delivery does so for types it has no typed mapping for).
   *
   * @param subsetRowsOrNull the ctids of the chunk's subset rows (the closure evaluated once per
   *     run): a TID scan of just those rows instead of the subset's predicate
   */
  public static String copyOutSql(TableTask task, List<ColumnPlan> columns,
      java.util.Set<String> asText, List<String> subsetRowsOrNull) {
    StringBuilder sql =
        new StringBuilder("COPY (SELECT ")
            .append(selectList(task, columns, asText))
            // ONLY: rows of inheritance children are copied by their own tasks
            .append(" FROM ONLY ")
            .append(qualified(task.sourceSchema(), task.table()));
    if (task.sample() != null) {
      sql.append(" TABLESAMPLE BERNOULLI (")
          .append(String.format(Locale.ROOT, "%.6f", task.sample()))
          .append(") REPEATABLE (0)");
    }
    List<String> conditions = new ArrayList<>();
    if (task.chunk() != null && !(task.chunk().fromPage() == 0 && task.chunk().openEnded())) {
      conditions.add("ctid >= '(" + task.chunk().fromPage() + ",0)'::pg_catalog.tid");
      if (!task.chunk().openEnded()) {
        conditions.add("ctid < '(" + task.chunk().toPage() + ",0)'::pg_catalog.tid");
      }
    }
    if (task.where() != null) {
      conditions.add("(" + task.where() + ")");
    }
    if (subsetRowsOrNull != null) {
      conditions.add(subsetRowsOrNull.isEmpty() ? "false"
          : "ctid = ANY ('{" + subsetRowsOrNull.stream().map(t -> '"' + t + '"')
              .collect(Collectors.joining(",")) + "}'::pg_catalog.tid[])");
    } else if (task.subset() != null && task.subset().predicate() != null) {
      // the subset's rows: semi-joins over the source under the same snapshot, so any chunking
      // of the table still copies exactly the subset
      conditions.add("(" + task.subset().predicate() + ")");
    }
    if (!conditions.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", conditions));
    }
    return sql.append(") TO STDOUT (FORMAT binary)").toString();
  }

  static String copyInSql(TableTask task, List<ColumnPlan> columns, boolean freeze) {
    return "COPY " + qualified(task.targetSchema(), task.table()) + " (" + columnList(columns)
        + ") FROM STDIN (FORMAT binary" + (freeze ? ", FREEZE" : "") + ")";
  }

  /**
   * The copied columns; a reference the subset sets to NULL where its target is not in the subset
   * ({@code nullIfMissing}) is read through a CASE that keeps its type.
   */
  private static String selectList(
      TableTask task, List<ColumnPlan> columns, java.util.Set<String> asText) {
    Map<String, String> nulled =
        task.subset() == null ? Map.of() : task.subset().nullIfMissing();
    return columns.stream()
        .map(c -> {
          String value = asText.contains(c.name())
              ? ident(c.name()) + "::pg_catalog.text" : ident(c.name());
          return nulled.containsKey(c.name())
              ? "CASE WHEN " + nulled.get(c.name()) + " THEN " + value + " END AS "
                  + ident(c.name())
              : asText.contains(c.name()) ? value + " AS " + ident(c.name()) : value;
        })
        .collect(Collectors.joining(", "));
  }

  private static String columnList(List<ColumnPlan> columns) {
    return columns.stream().map(c -> ident(c.name())).collect(Collectors.joining(", "));
  }
}
