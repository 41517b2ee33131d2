package dev.veil.activities.verify;

import static dev.veil.activities.db.Sql.ident;
import static dev.veil.activities.db.Sql.qualified;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.scan.ContentDetectors;
import dev.veil.activities.snapshot.ExportedSnapshot;
import dev.veil.activities.snapshot.RunSessions;
import dev.veil.activities.twin.TwinDatabase;
import dev.veil.workflows.plan.ChunkRange;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.TableMode;
import dev.veil.workflows.spec.VerifySpec;
import dev.veil.workflows.verify.LeakCheckRequest;
import dev.veil.workflows.verify.LeakCheckResult;
import dev.veil.workflows.verify.LeakFinding;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;

/**
 * The leak check: are values of the source's identifying columns, or personal data the spec has
 * no rule for, in the new twin? Reads only: the source under the run's snapshot, the build
 * database. Never keeps, logs or returns a value.
 *
 * <ol>
 *   <li>Each text-like source column with an identifying rule (anything but {@code passthrough},
 *       {@code null} and {@code replacement}) is read once, chunk by chunk (the plan's page
 *       ranges); the keyed 64-bit fingerprints of its values go into one split-block Bloom filter
 *       per source table, sized from the row estimates (about 2.6 bytes per value at a 1/10,000
 *       false-positive rate, at most {@value #MAX_FILTER_BYTES} bytes a table), so memory is
 *       bounded by the estimates, never by a set of values.
 *   <li>Every text, JSON and array column of every copied table of the build database is read in
 *       page ranges ({@code sample} percent of its pages): whole values, e-mail/phone/card/IBAN
 *       tokens of free text, every string leaf of JSON, array elements. A fingerprint a filter may
 *       hold is a candidate; candidates are confirmed exactly against the source table, in
 *       batches of up to {@value #CONFIRM_BATCH} distinct values (one scan of the table for all
 *       its fingerprinted columns), under the same snapshot.
 *   <li>Passthrough columns also go through the scanner's detectors: any e-mail, phone, card, IBAN
 *       or SSN is a finding; names, addresses and IPs are when they are at least a fifth of the
 *       column's values.
 * </ol>
 *
 * <p>Source chunks and twin page ranges are read by up to {@code maxActiveTasks} threads at once
 * (no more than the machine's processors), each with its own source session under the run's
 * exported snapshot and its own build-database session.
 */
public final class LeakCheck {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LeakCheck.class);

  static final int CONFIRM_BATCH = 50_000;
  private static final int LOCAL_CANDIDATES = 5_000;
  private static final Set<String> NON_IDENTIFYING_RULES =
      Set.of("passthrough", "null", "replacement");
  private static final Set<String> STRONG_KINDS =
      Set.of("email", "phone", "credit_card", "iban", "ssn");
  private static final double WEAK_SHARE = 0.2;
  private static final long MIN_FILTER_VALUES = 10_000;
  private static final int MAX_FILTER_BYTES = 32 << 20;
  private static final double FALSE_POSITIVES = 0.0001;
  private static final int FETCH = 5_000;
  private static final int INSERT_BATCH = 4_096;
  /** A twin table is split into page ranges of at least this many pages (8 KiB each). */
  private static final long MIN_RANGE_PAGES = 1_000;
  private static final JsonFactory JSON = new JsonFactory();

  /** Where a run's signed privacy report is kept: in the twin, beside the run ledger. */
  public static final String REPORTS = qualified(TwinDatabase.VEIL_SCHEMA, "privacy_reports");

  private final ConnectionRegistry connections;
  private final TwinDatabase twin;
  private final MaskingKey key;
  private final MaskingKey maskingKey;
  private final byte[] reportKey;
  private final String veilVersion;

  /**
   * @param key keys the fingerprints; they never leave this object, so any secret key works
   * @param maskingKey the runs' masking key, named in the report by its fingerprint; may be null
   * @param reportKey signs the reports; null: derived from the masking key, or unsigned without
   */
  public LeakCheck(ConnectionRegistry connections, TwinDatabase twin, MaskingKey key,
      MaskingKey maskingKey, byte[] reportKey) {
    this.connections = connections;
    this.twin = twin;
    this.key = key;
    this.maskingKey = maskingKey;
    this.reportKey = reportKey != null ? reportKey.clone()
        : maskingKey != null ? PrivacyReport.reportKey(maskingKey) : null;
    String version = LeakCheck.class.getPackage().getImplementationVersion();
    this.veilVersion = version == null ? "dev" : version;
  }


  /** What a twin column holds, for the scan. */
  enum Shape {
    TEXT,
    JSON,
    ARRAY,
    OTHER;

    static Shape of(String type) {
      String t = type.toLowerCase(Locale.ROOT);
      if (t.endsWith("[]")) {
        return Shape.of(t.substring(0, t.length() - 2)) == OTHER ? OTHER : ARRAY;
      }
      if (t.equals("json") || t.equals("jsonb")) {
        return JSON;
      }
      if (t.equals("text") || t.startsWith("character") || t.startsWith("varchar")
          || t.equals("citext") || t.equals("name") || t.startsWith("bpchar")) {
        return TEXT;
      }
      return OTHER;
    }
  }


  /** An identifying source table: its fingerprinted columns and their one filter. */
  private static final class SourceTable {
    final int index;
    final TablePlan table;
    final List<ColumnPlan> columns;
    final BlockSplitBloomFilter filter;

    SourceTable(int index, TablePlan table, List<ColumnPlan> columns) {
      this.index = index;
      this.table = table;
      this.columns = columns;
      long expected = Math.max(MIN_FILTER_VALUES, table.estimatedRows() * columns.size());
      int bytes = (int) Math.min(MAX_FILTER_BYTES,
          Math.max(BlockSplitBloomFilter.LOWER_BOUND_BYTES,
              BlockSplitBloomFilter.optimalNumOfBits(expected, FALSE_POSITIVES) / 8L));
      this.filter = new BlockSplitBloomFilter(bytes, MAX_FILTER_BYTES);
    }

    String columnName(int i) {
      return table.qualifiedName() + "." + columns.get(i).name();
    }

    /** Adds fingerprints; the filter itself is not thread-safe, its readers come later. */
    synchronized void insert(long[] fingerprints, int n) {
      for (int i = 0; i < n; i++) {
        filter.insertHash(fingerprints[i]);
      }
    }
  }

  /** One twin table being scanned: its scanned columns, and the counts its ranges add up. */
  private static final class TwinTable {
    final TablePlan table;
    final List<TwinColumn> columns = new ArrayList<>();
    final AtomicLong rows = new AtomicLong();

    TwinTable(TablePlan table) {
      this.table = table;
    }
  }

  /** One twin column being scanned; counts are merged in by the ranges that read it. */
  private static final class TwinColumn {
    final int id;
    final String name;
    final String select;
    final Shape shape;
    final boolean passthrough;
    final Map<String, Long> kinds = new TreeMap<>();
    long nonNull;

    TwinColumn(int id, String name, String select, Shape shape, boolean passthrough) {
      this.id = id;
      this.name = name;
      this.select = select;
      this.shape = shape;
      this.passthrough = passthrough;
    }
  }

  /** A value of a twin column that a source table's filter may hold. */
  private record Candidate(int source, int twinColumn, String value) {}

  /** Confirmed source values per (twin column, source table, source column). */
  private record Hit(int twinColumn, int source, int sourceColumn) {}

  /** Runs the check; releases the run's snapshot when it is done with the source. */
  public LeakCheckResult check(LeakCheckRequest request, Heartbeat heartbeat) throws SQLException {
    RunPlan plan = request.plan();
    VerifySpec policy =
        request.verify() == null ? VerifySpec.DEFAULTS : request.verify().withDefaults();
    TwinDatabase.HeldSnapshot snapshot = twin.runSnapshot(plan);
    if (policy.mode() == VerifySpec.VerifyMode.off) {
      twin.releaseSnapshot(plan);
      LeakCheckResult skipped = new LeakCheckResult(false, 0, 0, 0, 0, List.of(), null);
      return withReport(plan, policy, skipped, snapshot, Map.of(), null);
    }
    // The run's snapshot dies with the worker holding it, and an attempt of this check that
    // finished released it before its worker died. After the copy nothing else needs it, so
    // neither may fail the run: the source is then fingerprinted under a snapshot of its own,
    // later than the copy's (the report says so).
    ExportedSnapshot later = null;
    if (snapshot.released() || !ExportedSnapshot.importable(connections,
        plan.sourceConnection(), RunSessions.applicationName(plan.runUid(), "verify-p"),
        snapshot.id())) {
      later = ExportedSnapshot.export(connections, plan.sourceConnection(),
          RunSessions.applicationName(plan.runUid(), "verify-x"));
      log.warn("the run's source snapshot ended (a worker died after the copy): the leak check"
          + " reads the source under a later one pipeline={} run={} at={}", plan.pipelineId(),
          plan.runId(), later.exportedAt());
    }
    try {
      Run run = new Run(plan, policy, later == null ? snapshot.id() : later.id(), heartbeat);
      LeakCheckResult result;
      try {
        result = run.execute();
      } finally {
        run.close();
      }
      twin.releaseSnapshot(plan);
      return withReport(plan, policy, result, snapshot, run.rowsPerTable(),
          later == null ? null : later.exportedAt());
    } finally {
      if (later != null) {
        later.close();
      }
    }
  }

  /** Builds, signs and keeps the run's privacy report in the build database (the next twin). */
  private LeakCheckResult withReport(RunPlan plan, VerifySpec policy, LeakCheckResult result,
      TwinDatabase.HeldSnapshot snapshot, Map<String, Long> rowsPerTable,
      String checkSnapshotTime) throws SQLException {
    ObjectNode report = PrivacyReport.build(plan, policy, result,
        new PrivacyReport.RunFacts(snapshot.exportedAt(), veilVersion, rowsPerTable,
            checkSnapshotTime), maskingKey,
        Instant.now());
    if (reportKey != null) {
      PrivacyReport.sign(report, reportKey);
    }
    String json = PrivacyReport.toJson(report);
    try (Connection build = twin.build(plan, RunSessions.applicationName(plan.runUid(), "report"));
        Statement s = build.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + REPORTS + " (run_id text PRIMARY KEY,"
          + " created_at timestamptz NOT NULL DEFAULT now(), verdict text NOT NULL,"
          + " report text NOT NULL)");
      try (PreparedStatement ps = build.prepareStatement("INSERT INTO " + REPORTS
          + " (run_id, verdict, report) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE"
          + " SET verdict = excluded.verdict, report = excluded.report, created_at = now()")) {
        ps.setString(1, plan.runId());
        ps.setString(2, report.path("verdict").asText());
        ps.setString(3, json);
        ps.executeUpdate();
      }
    }
    return new LeakCheckResult(result.performed(), result.fingerprintedColumns(),
        result.fingerprints(), result.scannedColumns(), result.scannedValues(), result.findings(),
        json);
  }

  /** How many threads read at once: the pipeline's task limit, at most the processors. */
  static int parallelism(RunPlan plan) {
    return Math.max(1, Math.min(plan.maxActiveTasks(), Runtime.getRuntime().availableProcessors()));
  }

  /** One check: its sessions, threads, filters and counts. */
  private final class Run implements AutoCloseable {
    private final RunPlan plan;
    private final String snapshotId;
    private final Heartbeat heartbeat;
    private final double sample;
    private final Fingerprints fingerprints;
    private final int threads;
    private final BlockingQueue<Sessions> sessions;
    private final List<Sessions> opened = new ArrayList<>();
    private final ExecutorService pool;
    private final List<SourceTable> sources = new ArrayList<>();
    private final List<TwinTable> twinTables = new ArrayList<>();
    private final List<TwinColumn> twinColumns = new ArrayList<>();
    private final Map<Candidate, Long> pending = new HashMap<>();
    private final Map<Hit, Long> confirmed = new ConcurrentHashMap<>();
    private final LongAdder fingerprintCount = new LongAdder();
    private final LongAdder values = new LongAdder();
    private final ThreadLocal<long[]> probe = ThreadLocal.withInitial(() -> new long[1]);
    private volatile boolean stopping;

    Run(RunPlan plan, VerifySpec policy, String snapshotId, Heartbeat heartbeat) {
      this.plan = plan;
      this.snapshotId = snapshotId;
      this.heartbeat = heartbeat;
      this.sample = Math.max(0.01, Math.min(100.0, policy.sample()));
      this.fingerprints = new Fingerprints(key, policy.minLength());
      this.threads = parallelism(plan);
      this.sessions = new ArrayBlockingQueue<>(threads);
      AtomicInteger n = new AtomicInteger();
      this.pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "leak-check-" + plan.runId() + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      for (int i = 0; i < threads; i++) {
        Sessions s = new Sessions();
        sessions.add(s);
        opened.add(s);
      }
    }

    LeakCheckResult execute() throws SQLException {
      // 1. fingerprint the identifying source columns, chunk by chunk
      List<Callable<Void>> units = new ArrayList<>();
      for (TablePlan table : plan.tables()) {
        List<ColumnPlan> columns = new ArrayList<>();
        for (ColumnPlan c : table.columns()) {
          if (identifying(c) && Shape.of(c.type()) == Shape.TEXT) {
            columns.add(c);
          }
        }
        if (columns.isEmpty()) {
          continue;
        }
        SourceTable source = new SourceTable(sources.size(), table, columns);
        sources.add(source);
        // the whole source table, not the subset: a value may leak into another table's rows
        List<ChunkRange> chunks = table.chunks() == null || table.chunks().isEmpty()
            ? List.of(new ChunkRange(0, -1)) : table.chunks();
        for (ChunkRange chunk : chunks) {
          units.add(() -> withSessions(s -> fingerprint(source, chunk, s.source())));
        }
      }
      runAll(units);

      // 2. scan every text, JSON and array column of the build database, range by range
      units.clear();
      Sessions first = sessions.remove();
      try {
        for (TablePlan table : plan.tables()) {
          if (table.mode() == TableMode.schema) {
            continue;
          }
          TwinTable t = twinTable(table);
          if (t.columns.isEmpty()) {
            continue;
          }
          twinTables.add(t);
          for (ChunkRange range : twinRanges(table, first.build())) {
            units.add(() -> withSessions(s -> scan(t, range, s)));
          }
        }
      } finally {
        sessions.add(first);
      }
      runAll(units);
      Map<Candidate, Long> rest;
      synchronized (pending) {
        rest = new HashMap<>(pending);
        pending.clear();
      }
      Sessions last = sessions.remove();
      try {
        confirm(rest, last.source());
      } finally {
        sessions.add(last);
      }
      return new LeakCheckResult(true,
          sources.stream().mapToInt(s -> s.columns.size()).sum(), fingerprintCount.sum(),
          twinColumns.size(), values.sum(), findings(), null);
    }

    Map<String, Long> rowsPerTable() {
      Map<String, Long> out = new LinkedHashMap<>();
      if (sample >= 100.0) {
        for (TwinTable t : twinTables) {
          out.put(t.table.qualifiedName(), t.rows.get());
        }
      }
      return out;
    }

    private List<LeakFinding> findings() {
      List<LeakFinding> out = new ArrayList<>();
      for (TwinColumn column : twinColumns) {
        for (SourceTable source : sources) {
          for (int i = 0; i < source.columns.size(); i++) {
            Long n = confirmed.get(new Hit(column.id, source.index, i));
            if (n != null && n > 0) {
              out.add(new LeakFinding(column.name, n, LeakFinding.SOURCE_VALUE,
                  source.columnName(i)));
            }
          }
        }
        column.kinds.forEach((kind, n) -> {
          if (STRONG_KINDS.contains(kind) || n >= WEAK_SHARE * column.nonNull && n >= 5) {
            out.add(new LeakFinding(column.name, n, kind, null));
          }
        });
      }
      return out;
    }

    /** Runs the units on the pool, beating while it waits; the first failure stops the rest. */
    private void runAll(List<Callable<Void>> units) throws SQLException {
      List<Future<Void>> futures = new ArrayList<>();
      for (Callable<Void> unit : units) {
        futures.add(pool.submit(unit));
      }
      try {
        for (Future<Void> f : futures) {
          while (true) {
            try {
              f.get(1, TimeUnit.SECONDS);
              break;
            } catch (TimeoutException e) {
              heartbeat.beat();
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
        throw new IllegalStateException("leak check interrupted", e);
      } catch (ExecutionException e) {
        stopping = true;
        Throwable cause = e.getCause();
        if (cause instanceof SQLException sql) {
          throw sql;
        }
        if (cause instanceof RuntimeException runtime) {
          throw runtime;
        }
        if (cause instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException(cause);
      } catch (RuntimeException e) {
        stopping = true;
        throw e;
      }
    }

    private Void withSessions(SqlWork work) throws SQLException, InterruptedException {
      Sessions s = sessions.take();
      try {
        if (!stopping) {
          work.run(s);
        }
      } finally {
        sessions.put(s);
      }
      return null;
    }

    private void fingerprint(SourceTable source, ChunkRange chunk, Connection c)
        throws SQLException {
      String sql = "SELECT "
          + source.columns.stream().map(col -> ident(col.name()) + "::text")
              .collect(Collectors.joining(", "))
          + " FROM ONLY " + qualified(source.table.sourceSchema(), source.table.name())
          + pageRange(chunk);
      long[] batch = new long[INSERT_BATCH];
      long[] fp = new long[1];
      int n = 0;
      long rows = 0;
      long count = 0;
      try (Statement s = c.createStatement()) {
        s.setFetchSize(FETCH);
        try (ResultSet rs = s.executeQuery(sql)) {
          while (rs.next()) {
            for (int i = 0; i < source.columns.size(); i++) {
              if (fingerprints.fingerprint(rs.getString(i + 1), fp)) {
                batch[n++] = fp[0];
                count++;
                if (n == batch.length) {
                  source.insert(batch, n);
                  n = 0;
                }
              }
            }
            if (++rows % 10_000 == 0) {
              checkStop();
            }
          }
        }
      }
      source.insert(batch, n);
      fingerprintCount.add(count);
    }

    private void checkStop() {
      if (stopping) {
        throw new IllegalStateException("leak check stopped");
      }
      heartbeat.beat();
    }

    private TwinTable twinTable(TablePlan table) {
      TwinTable t = new TwinTable(table);
      for (ColumnPlan c : table.columns()) {
        Shape shape = Shape.of(c.type());
        String select = switch (shape) {
          case TEXT -> ident(c.name()) + "::text";
          case JSON -> ident(c.name()) + "::text";
          // elements as a JSON array: one parser for documents and arrays of any depth
          case ARRAY -> "pg_catalog.array_to_json(" + ident(c.name()) + ")::text";
          case OTHER -> null;
        };
        if (select == null) {
          continue;
        }
        TwinColumn column = new TwinColumn(twinColumns.size(),
            table.qualifiedName() + "." + c.name(), select, shape,
            c.rule() == null || "passthrough".equals(c.rule()));
        twinColumns.add(column);
        t.columns.add(column);
      }
      return t;
    }

    /** Page ranges of a twin table: one per {@value #MIN_RANGE_PAGES} pages, up to 2 a thread. */
    private List<ChunkRange> twinRanges(TablePlan table, Connection build) throws SQLException {
      if (sample < 100.0 || threads == 1) {
        return List.of(new ChunkRange(0, -1));
      }
      long pages;
      try (PreparedStatement ps = build.prepareStatement("SELECT pg_catalog.pg_relation_size(c.oid)"
          + " / pg_catalog.current_setting('block_size')::bigint FROM pg_catalog.pg_class c"
          + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE n.nspname = ? AND c.relname = ?")) {
        ps.setString(1, table.sourceSchema());
        ps.setString(2, table.name());
        try (ResultSet rs = ps.executeQuery()) {
          pages = rs.next() ? rs.getLong(1) : 0;
        }
      }
      build.commit();
      int n = (int) Math.max(1, Math.min(2L * threads, pages / MIN_RANGE_PAGES));
      List<ChunkRange> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        // the last range is open: pages are counted outside the scan's transaction
        out.add(new ChunkRange(pages * i / n, i == n - 1 ? -1 : pages * (i + 1) / n));
      }
      return out;
    }

    private void scan(TwinTable table, ChunkRange range, Sessions s) throws SQLException {
      List<TwinColumn> columns = table.columns;
      String sql = "SELECT " + columns.stream().map(c -> c.select)
          .collect(Collectors.joining(", "))
          + " FROM ONLY " + qualified(table.table.sourceSchema(), table.table.name())
          + (sample < 100.0
              ? String.format(Locale.ROOT, " TABLESAMPLE SYSTEM (%.4f)", sample)
              : pageRange(range));
      long[] nonNull = new long[columns.size()];
      List<Map<String, Long>> kinds = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        kinds.add(new HashMap<>());
      }
      Map<Candidate, Long> candidates = new HashMap<>();
      List<String> strings = new ArrayList<>();
      long rows = 0;
      long tested = 0;
      Connection build = s.build();
      try (Statement st = build.createStatement()) {
        st.setFetchSize(FETCH);
        try (ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            for (int i = 0; i < columns.size(); i++) {
              TwinColumn column = columns.get(i);
              String v = rs.getString(i + 1);
              if (v == null) {
                continue;
              }
              strings.clear();
              if (column.shape == Shape.TEXT) {
                strings.add(v);
              } else {
                jsonLeaves(v, strings);
              }
              nonNull[i]++;
              if (column.passthrough) {
                detect(kinds.get(i), strings);
              }
              if (!sources.isEmpty()) {
                tested += match(column, strings, candidates);
              }
            }
            if (candidates.size() >= LOCAL_CANDIDATES) {
              flush(candidates, s);
            }
            if (++rows % 10_000 == 0) {
              checkStop();
            }
          }
        }
      }
      build.commit();
      flush(candidates, s);
      values.add(tested);
      table.rows.addAndGet(rows);
      synchronized (table) {
        for (int i = 0; i < columns.size(); i++) {
          TwinColumn column = columns.get(i);
          column.nonNull += nonNull[i];
          kinds.get(i).forEach((kind, n) -> column.kinds.merge(kind, n, Long::sum));
        }
      }
    }

    /** Tests the strings of one value and their tokens; returns how many were tested. */
    private int match(TwinColumn column, List<String> strings, Map<Candidate, Long> candidates) {
      int tested = 0;
      for (String str : strings) {
        tested += testOne(column, str, candidates);
        if (str.indexOf(' ') < 0 && str.indexOf('\n') < 0) {
          // one word: the whole value was its only token
          continue;
        }
        for (String token : ContentDetectors.tokens(str)) {
          tested += testOne(column, token, candidates);
        }
      }
      return tested;
    }

    private int testOne(TwinColumn column, String value, Map<Candidate, Long> candidates) {
      long[] fp = probe.get();
      if (!fingerprints.fingerprint(value, fp)) {
        return 0;
      }
      for (SourceTable source : sources) {
        if (source.filter.findHash(fp[0])) {
          candidates.merge(new Candidate(source.index, column.id, fingerprints.normalize(value)),
              1L, Long::sum);
        }
      }
      return 1;
    }

    /** Hands a range's candidates over; confirms them once enough have gathered. */
    private void flush(Map<Candidate, Long> candidates, Sessions s) throws SQLException {
      if (candidates.isEmpty()) {
        return;
      }
      Map<Candidate, Long> batch = null;
      synchronized (pending) {
        candidates.forEach((c, n) -> pending.merge(c, n, Long::sum));
        if (pending.size() >= CONFIRM_BATCH) {
          batch = new HashMap<>(pending);
          pending.clear();
        }
      }
      candidates.clear();
      if (batch != null) {
        confirm(batch, s.source());
      }
    }

    /**
     * Counts the candidates their source table really holds: one scan of each source table with
     * candidates, for all its fingerprinted columns.
     */
    private void confirm(Map<Candidate, Long> batch, Connection source) throws SQLException {
      for (SourceTable table : sources) {
        Set<String> distinct = new HashSet<>();
        batch.keySet().forEach(c -> {
          if (c.source() == table.index) {
            distinct.add(c.value());
          }
        });
        if (distinct.isEmpty()) {
          continue;
        }
        List<String> normalized = new ArrayList<>();
        for (int i = 0; i < table.columns.size(); i++) {
          normalized.add("(" + i + ", pg_catalog.lower(pg_catalog.btrim("
              + ident(table.columns.get(i).name()) + "::text, E' \\t\\n\\r\\f')))");
        }
        String sql = "SELECT DISTINCT x.i, x.v FROM ONLY "
            + qualified(table.table.sourceSchema(), table.table.name())
            + " CROSS JOIN LATERAL (VALUES " + String.join(", ", normalized) + ") AS x (i, v)"
            + " WHERE x.v = ANY (?)";
        Map<String, List<Integer>> found = new HashMap<>();
        try (PreparedStatement ps = source.prepareStatement(sql)) {
          ps.setArray(1, source.createArrayOf("text", distinct.toArray()));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              found.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getInt(1));
            }
          }
        }
        batch.forEach((c, n) -> {
          if (c.source() == table.index) {
            for (int column : found.getOrDefault(c.value(), List.of())) {
              confirmed.merge(new Hit(c.twinColumn(), table.index, column), n, Long::sum);
            }
          }
        });
      }
    }

    @Override
    public void close() {
      stopping = true;
      pool.shutdownNow();
      for (Sessions s : opened) {
        s.close();
      }
    }

    /** A thread's source session (under the snapshot) and build-database session, opened lazily. */
    private final class Sessions implements AutoCloseable {
      private Connection source;
      private Connection build;

      Connection source() throws SQLException {
        if (source == null) {
          source = connections.open(plan.sourceConnection(),
              RunSessions.applicationName(plan.runUid(), "verify-s"));
          RunSessions.importSnapshot(source, snapshotId);
        }
        return source;
      }

      Connection build() throws SQLException {
        if (build == null) {
          build = twin.build(plan, RunSessions.applicationName(plan.runUid(), "verify-t"));
          build.setAutoCommit(false);
          build.setReadOnly(true);
        }
        return build;
      }

      @Override
      public void close() {
        for (Connection c : new Connection[] {source, build}) {
          if (c != null) {
            try {
              c.close();
            } catch (SQLException e) {
              // closing after the work: nothing is lost
            }
          }
        }
      }
    }
  }

  @FunctionalInterface
  private interface SqlWork {
    void run(LeakCheck.Run.Sessions sessions) throws SQLException;
  }

  private static String pageRange(ChunkRange range) {
    if (range.fromPage() <= 0 && range.toPage() < 0) {
      return "";
    }
    String where = " WHERE ctid >= '(" + range.fromPage() + ",0)'::pg_catalog.tid";
    if (range.toPage() >= 0) {
      where += " AND ctid < '(" + range.toPage() + ",0)'::pg_catalog.tid";
    }
    return where;
  }

  static boolean identifying(ColumnPlan c) {
    return c.rule() != null && !NON_IDENTIFYING_RULES.contains(c.rule()) && !c.generated();
  }

  /** Every string leaf of a JSON document (or JSON array); the document itself if it is not JSON. */
  static void jsonLeaves(String document, List<String> out) {
    int before = out.size();
    try (JsonParser parser = JSON.createParser(document)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.VALUE_STRING) {
          out.add(parser.getText());
        }
      }
    } catch (IOException e) {
      while (out.size() > before) {
        out.remove(out.size() - 1);
      }
      out.add(document);
    }
  }

  /** Counts the value once per kind of personal data found in it, whole or in its tokens. */
  private static void detect(Map<String, Long> kinds, List<String> strings) {
    if (strings.size() == 1) {
      for (String kind : ContentDetectors.kindsInText(strings.get(0))) {
        kinds.merge(kind, 1L, Long::sum);
      }
      return;
    }
    Set<String> found = new HashSet<>(2);
    for (String str : strings) {
      found.addAll(ContentDetectors.kindsInText(str));
    }
    for (String kind : found) {
      kinds.merge(kind, 1L, Long::sum);
    }
  }
}
