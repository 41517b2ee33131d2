package dev.veil.activities.verify;

import static dev.veil.activities.db.Sql.ident;
import static dev.veil.activities.db.Sql.qualified;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.scan.ContentDetectors;
import dev.veil.activities.snapshot.RunSessions;
import dev.veil.activities.twin.TwinDatabase;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.TableMode;
import dev.veil.workflows.spec.VerifySpec;
import dev.veil.workflows.verify.LeakCheckRequest;
import dev.veil.workflows.verify.LeakCheckResult;
import dev.veil.workflows.verify.LeakFinding;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The leak check: are values of the source's identifying columns, or personal data the spec has
 * no rule for, in the new twin? Reads only: the source under the run's snapshot, the build
 * database in one read-only pass per table. Never keeps, logs or returns a value.
 *
 * <ol>
 *   <li>Each text-like source column with an identifying rule (anything but {@code passthrough},
 *       {@code null} and {@code replacement}) is read once; its values' keyed 64-bit fingerprints
 *       go into a Bloom filter sized from the table's row estimate (about 1.8 bytes per row at a
 *       1/1000 false-positive rate), so memory is bounded by the estimates, never by a set of
 *       values.
 *   <li>Every text, JSON and array column of every copied table of the build database is read
 *       ({@code sample} percent of its pages): whole values, e-mail/phone/card/IBAN-shaped tokens of
 *       free text, every string leaf of JSON, array elements. A fingerprint the filter may hold is
 *       a candidate; candidates are confirmed exactly against the source column, in batches of
 *       {@value #CONFIRM_BATCH}, under the same snapshot.
 *   <li>Passthrough columns also go through the scanner's detectors: any e-mail, phone, card, IBAN
 *       or SSN is a finding; names, addresses and IPs are when they are at least a fifth of the
 *       column's values.
 * </ol>
 */
public final class LeakCheck {

  static final int CONFIRM_BATCH = 10_000;
  private static final Set<String> NON_IDENTIFYING_RULES =
      Set.of("passthrough", "null", "replacement");
  private static final Set<String> STRONG_KINDS =
      Set.of("email", "phone", "credit_card", "iban", "ssn");
  private static final double WEAK_SHARE = 0.2;
  private static final long MIN_FILTER = 10_000;
  private static final long MAX_FILTER = 100_000_000;
  private static final double FALSE_POSITIVES = 0.001;
  private static final int FETCH = 5_000;
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /** An identifying source column and its fingerprint filter. */
  private static final class SourceColumn {
    final TablePlan table;
    final ColumnPlan column;
    final BloomFilter<Long> filter;

    SourceColumn(TablePlan table, ColumnPlan column) {
      this.table = table;
      this.column = column;
      long expected = Math.min(MAX_FILTER, Math.max(MIN_FILTER, table.estimatedRows()));
      this.filter = BloomFilter.create(Funnels.longFunnel(), expected, FALSE_POSITIVES);
    }

    String name() {
      return table.qualifiedName() + "." + column.name();
    }
  }

  /** Runs the check; releases the run's snapshot when it is done with the source. */
  public LeakCheckResult check(LeakCheckRequest request, Heartbeat heartbeat) throws SQLException {
    RunPlan plan = request.plan();
    VerifySpec policy =
        request.verify() == null ? VerifySpec.DEFAULTS : request.verify().withDefaults();
    TwinDatabase.HeldSnapshot snapshot = twin.heldSnapshot(plan);
    if (policy.mode() == VerifySpec.VerifyMode.off) {
      twin.releaseSnapshot(plan);
      LeakCheckResult skipped = new LeakCheckResult(false, 0, 0, 0, 0, List.of(), null);
      return withReport(plan, policy, skipped, snapshot, Map.of());
    }
    double sample = Math.max(0.01, Math.min(100.0, policy.sample()));
    Fingerprints fingerprints = new Fingerprints(key, policy.minLength());
    String snapshotId = snapshot.id();
    Map<String, Long> rowsPerTable = new LinkedHashMap<>();
    List<LeakFinding> findings = new ArrayList<>();
    Counters counters = new Counters();
    List<SourceColumn> sources;
    try (Connection source =
        connections.open(plan.sourceConnection(),
            RunSessions.applicationName(plan.runUid(), "verify-s"))) {
      RunSessions.importSnapshot(source, snapshotId);
      sources = fingerprintSource(plan, source, fingerprints, counters, heartbeat);
      try (Connection build =
          twin.build(plan, RunSessions.applicationName(plan.runUid(), "verify-t"))) {
        build.setAutoCommit(false);
        build.setReadOnly(true);
        for (TablePlan table : plan.tables()) {
          if (table.mode() == TableMode.schema) {
            continue;
          }
          long rowsBefore = counters.rows;
          findings.addAll(
              scanTable(table, build, source, sources, fingerprints, sample, counters, heartbeat));
          build.commit();
          if (sample >= 100.0) {
            rowsPerTable.put(table.qualifiedName(), counters.rows - rowsBefore);
          }
        }
      }
      source.commit();
    }
    twin.releaseSnapshot(plan);
    LeakCheckResult result = new LeakCheckResult(true, sources.size(), counters.fingerprints,
        counters.columns, counters.values, findings, null);
    return withReport(plan, policy, result, snapshot, rowsPerTable);
  }

  /** Builds, signs and keeps the run's privacy report in the build database (the next twin). */
  private LeakCheckResult withReport(RunPlan plan, VerifySpec policy, LeakCheckResult result,
      TwinDatabase.HeldSnapshot snapshot, Map<String, Long> rowsPerTable) throws SQLException {
    ObjectNode report = PrivacyReport.build(plan, policy, result,
        new PrivacyReport.RunFacts(snapshot.exportedAt(), veilVersion, rowsPerTable), maskingKey,
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

  private static final class Counters {
    long fingerprints;
    int columns;
    long values;
    long rows;
  }

  private static List<SourceColumn> fingerprintSource(RunPlan plan, Connection source,
      Fingerprints fingerprints, Counters counters, Heartbeat heartbeat) throws SQLException {
    List<SourceColumn> out = new ArrayList<>();
    for (TablePlan table : plan.tables()) {
      List<SourceColumn> columns = new ArrayList<>();
      for (ColumnPlan c : table.columns()) {
        if (identifying(c) && Shape.of(c.type()) == Shape.TEXT) {
          columns.add(new SourceColumn(table, c));
        }
      }
      if (columns.isEmpty()) {
        continue;
      }
      // the whole source table, not the subset: a value may leak into another table's rows
      String sql = "SELECT "
          + columns.stream().map(s -> ident(s.column.name()) + "::text")
              .collect(Collectors.joining(", "))
          + " FROM ONLY " + qualified(table.sourceSchema(), table.name());
      try (Statement s = source.createStatement()) {
        s.setFetchSize(FETCH);
        try (ResultSet rs = s.executeQuery(sql)) {
          while (rs.next()) {
            for (int i = 0; i < columns.size(); i++) {
              String v = fingerprints.normalize(rs.getString(i + 1));
              if (v != null) {
                columns.get(i).filter.put(fingerprints.of(v));
                counters.fingerprints++;
              }
            }
            if (++counters.rows % 10_000 == 0) {
              heartbeat.beat();
            }
          }
        }
      }
      out.addAll(columns);
    }
    return out;
  }

  static boolean identifying(ColumnPlan c) {
    return c.rule() != null && !NON_IDENTIFYING_RULES.contains(c.rule()) && !c.generated();
  }

  /** One twin column being scanned. */
  private static final class TwinColumn {
    final String name;
    final Shape shape;
    final boolean passthrough;
    final Map<Integer, Map<String, Long>> pending = new HashMap<>();
    final Map<Integer, Long> confirmed = new TreeMap<>();
    final Map<String, Long> kinds = new TreeMap<>();
    long nonNull;

    TwinColumn(String name, Shape shape, boolean passthrough) {
      this.name = name;
      this.shape = shape;
      this.passthrough = passthrough;
    }
  }

  private List<LeakFinding> scanTable(TablePlan table, Connection build, Connection source,
      List<SourceColumn> sources, Fingerprints fingerprints, double sample, Counters counters,
      Heartbeat heartbeat) throws SQLException {
    List<TwinColumn> columns = new ArrayList<>();
    List<String> select = new ArrayList<>();
    for (ColumnPlan c : table.columns()) {
      Shape shape = Shape.of(c.type());
      if (shape == Shape.OTHER) {
        continue;
      }
      columns.add(new TwinColumn(table.qualifiedName() + "." + c.name(), shape,
          c.rule() == null || "passthrough".equals(c.rule())));
      select.add(ident(c.name()));
    }
    if (columns.isEmpty()) {
      return List.of();
    }
    counters.columns += columns.size();
    String sql = "SELECT " + String.join(", ", select) + " FROM ONLY "
        + qualified(table.sourceSchema(), table.name())
        + (sample < 100.0
            ? String.format(Locale.ROOT, " TABLESAMPLE SYSTEM (%.4f)", sample) : "");
    List<String> candidates = new ArrayList<>();
    try (Statement s = build.createStatement()) {
      s.setFetchSize(FETCH);
      try (ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          for (int i = 0; i < columns.size(); i++) {
            TwinColumn column = columns.get(i);
            candidates.clear();
            if (!valuesOf(rs, i + 1, column.shape, candidates)) {
              continue;
            }
            column.nonNull++;
            if (column.passthrough) {
              detect(column, candidates);
            }
            match(column, candidates, sources, fingerprints, source, counters);
          }
          if (++counters.rows % 10_000 == 0) {
            heartbeat.beat();
          }
        }
      }
    }
    List<LeakFinding> findings = new ArrayList<>();
    for (TwinColumn column : columns) {
      for (Integer sourceIndex : new ArrayList<>(column.pending.keySet())) {
        confirm(column, sourceIndex, sources.get(sourceIndex), source);
      }
      column.confirmed.forEach((sourceIndex, n) -> {
        if (n > 0) {
          findings.add(new LeakFinding(column.name, n, LeakFinding.SOURCE_VALUE,
              sources.get(sourceIndex).name()));
        }
      });
      column.kinds.forEach((kind, n) -> {
        if (STRONG_KINDS.contains(kind) || n >= WEAK_SHARE * column.nonNull && n >= 5) {
          findings.add(new LeakFinding(column.name, n, kind, null));
        }
      });
    }
    return findings;
  }

  /**
   * The strings a twin value holds: itself (text), its string leaves (JSON), its elements
   * (arrays). False for NULL.
   */
  private static boolean valuesOf(ResultSet rs, int index, Shape shape, List<String> out)
      throws SQLException {
    switch (shape) {
      case TEXT -> {
        String v = rs.getString(index);
        if (v == null) {
          return false;
        }
        out.add(v);
      }
      case JSON -> {
        String v = rs.getString(index);
        if (v == null) {
          return false;
        }
        jsonLeaves(v, out);
      }
      case ARRAY -> {
        Array array = rs.getArray(index);
        if (array == null) {
          return false;
        }
        for (Object element : (Object[]) array.getArray()) {
          if (element != null) {
            out.add(element.toString());
          }
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void jsonLeaves(String document, List<String> out) {
    try {
      collect(JSON.readTree(document), out);
    } catch (IOException e) {
      out.add(document);
    }
  }

  private static void collect(JsonNode node, List<String> out) {
    if (node.isTextual()) {
      out.add(node.textValue());
    } else if (node.isContainerNode()) {
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        collect(it.next(), out);
      }
    }
  }

  /** Counts the value once per kind of personal data found in it, whole or in its tokens. */
  private static void detect(TwinColumn column, List<String> strings) {
    Set<String> found = new HashSet<>(2);
    for (String s : strings) {
      found.addAll(ContentDetectors.kindsInText(s));
    }
    for (String kind : found) {
      column.kinds.merge(kind, 1L, Long::sum);
    }
  }

  private void match(TwinColumn column, List<String> strings, List<SourceColumn> sources,
      Fingerprints fingerprints, Connection source, Counters counters) throws SQLException {
    if (sources.isEmpty()) {
      return;
    }
    for (String s : strings) {
      testOne(column, s, sources, fingerprints, source, counters);
      if (s.indexOf(' ') < 0 && s.indexOf('\n') < 0) {
        // one word: the whole value was its only token
        continue;
      }
      List<String> tokens = ContentDetectors.tokens(s);
      for (String token : tokens) {
        testOne(column, token, sources, fingerprints, source, counters);
      }
    }
  }

  private void testOne(TwinColumn column, String value, List<SourceColumn> sources,
      Fingerprints fingerprints, Connection source, Counters counters) throws SQLException {
    String v = fingerprints.normalize(value);
    if (v == null) {
      return;
    }
    counters.values++;
    long fp = fingerprints.of(v);
    for (int i = 0; i < sources.size(); i++) {
      if (sources.get(i).filter.mightContain(fp)) {
        Map<String, Long> batch = column.pending.computeIfAbsent(i, k -> new LinkedHashMap<>());
        batch.merge(v, 1L, Long::sum);
        if (batch.size() >= CONFIRM_BATCH) {
          confirm(column, i, sources.get(i), source);
        }
      }
    }
  }

  /** Counts the pending candidates the source column really holds, and forgets them. */
  private static void confirm(TwinColumn column, int sourceIndex, SourceColumn sourceColumn,
      Connection source) throws SQLException {
    Map<String, Long> batch = column.pending.remove(sourceIndex);
    if (batch == null || batch.isEmpty()) {
      return;
    }
    String normalized = "lower(btrim(" + ident(sourceColumn.column.name())
        + "::text, E' \\t\\n\\r\\f'))";
    String sql = "SELECT DISTINCT " + normalized + " FROM ONLY "
        + qualified(sourceColumn.table.sourceSchema(), sourceColumn.table.name())
        + " WHERE " + normalized + " = ANY (?)";
    long found = 0;
    try (PreparedStatement ps = source.prepareStatement(sql)) {
      ps.setArray(1, source.createArrayOf("text", batch.keySet().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Long n = batch.get(rs.getString(1));
          found += n == null ? 0 : n;
        }
      }
    }
    column.confirmed.merge(sourceIndex, found, Long::sum);
  }
}
