package dev.veil.activities.scan;

import static dev.veil.activities.db.Sql.ident;
import static dev.veil.activities.db.Sql.qualified;

import dev.veil.activities.db.Heartbeat;
import dev.veil.activities.rules.ColumnType;
import dev.veil.activities.rules.Presets;
import dev.veil.activities.rules.RuleType;
import dev.veil.activities.rules.Rules;
import dev.veil.workflows.scan.ColumnFinding;
import dev.veil.workflows.scan.ScanReport;
import dev.veil.workflows.scan.ScanRequest;
import dev.veil.workflows.spec.RuleSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Finds columns that likely hold personal data, by name (the {@code pii-default} preset's
 * patterns) and by content (a bounded TABLESAMPLE of each table, run through
 * {@link ContentDetectors}). Read only. The report holds counts and confidence, never a value.
 */
public final class PiiScanner {

  /** Share of sampled values that must match one kind for a content finding. */
  static final double CONTENT_THRESHOLD = 0.6;
  /** Below this share, a text column's content contradicts what its name suggests. */
  static final double CONTRADICTED = 0.2;
  /** Sampled values needed before content can contradict a name. */
  static final int MIN_SAMPLE = 5;
  private static final Presets.Preset NAMES = Presets.find("pii-default").orElseThrow();
  private static final Set<String> CONTENT_KINDS = Set.of("email", "phone", "credit_card", "iban",
      "ssn", "ip", "first_name", "last_name", "full_name", "street_address");

  record Column(String name, String type, char category, boolean unique) {}

  /**
   * Scans the schemas of {@code request} on an open connection.
   *
   * @param heartbeat called once per table; may throw to stop the scan
   */
  public ScanReport scan(Connection connection, ScanRequest request, Heartbeat heartbeat)
      throws SQLException {
    int sampleRows = request.effectiveSampleRows();
    if (sampleRows < 10 || sampleRows > 100_000) {
      throw new IllegalArgumentException("sampleRows: must be between 10 and 100000");
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    connection.setReadOnly(true);
    try (Statement s = connection.createStatement()) {
      s.execute("SET LOCAL search_path TO pg_catalog");
      s.execute("SET LOCAL statement_timeout = '120s'");
      List<String> missing = missingSchemas(connection, request.effectiveSchemas());
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException("schemas: no schema " + String.join(", ", missing)
            + " in the database");
      }
      List<ColumnFinding> findings = new ArrayList<>();
      int tables = 0;
      int columns = 0;
      for (Map.Entry<String, long[]> t : tables(connection, request.effectiveSchemas()).entrySet()) {
        heartbeat.beat();
        String[] parts = t.getKey().split("\\.", 2);
        List<Column> cols = columns(connection, t.getValue()[0]);
        tables++;
        columns += cols.size();
        findings.addAll(scanTable(connection, parts[0], parts[1], t.getValue()[1], cols, sampleRows));
      }
      findings.sort(Comparator.comparingDouble(ColumnFinding::confidence).reversed()
          .thenComparing(ColumnFinding::table).thenComparing(ColumnFinding::column));
      String rules = suggestedRules(findings);
      return new ScanReport(request.connection(), request.effectiveSchemas(), tables, columns,
          findings, rules, suggestedPipeline(request.connection(), request.effectiveSchemas(),
              rules));
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
  }

  private static List<String> missingSchemas(Connection c, List<String> schemas)
      throws SQLException {
    List<String> missing = new ArrayList<>();
    for (String schema : schemas) {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
        ps.setString(1, schema);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            missing.add(schema);
          }
        }
      }
    }
    return missing;
  }

  /** schema.table → {oid, estimated rows}, ordinary tables only. */
  private static Map<String, long[]> tables(Connection c, List<String> schemas) throws SQLException {
    Map<String, long[]> out = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT n.nspname, c.relname, c.oid, c.reltuples::bigint FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ANY (?) AND c.relkind = 'r' ORDER BY 1, 2")) {
      ps.setArray(1, c.createArrayOf("text", schemas.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1) + "." + rs.getString(2), new long[] {rs.getLong(3), rs.getLong(4)});
        }
      }
    }
    return out;
  }

  private static List<Column> columns(Connection c, long oid) throws SQLException {
    List<Column> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory,"
            + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique"
            + "   AND a.attnum = ANY (i.indkey))"
            + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
            + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped"
            + " AND a.attgenerated = '' ORDER BY a.attnum")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Column(rs.getString(1), rs.getString(2), rs.getString(3).charAt(0),
              rs.getBoolean(4)));
        }
      }
    }
    return out;
  }

  private static boolean contentScanned(Column c) {
    ColumnType type = ColumnType.parse(c.type());
    return !type.array() && (c.category() == 'S' || type.kind() == dev.veil.activities.rules.PgKind.INET
        || json(c));
  }

  private static boolean json(Column c) {
    ColumnType type = ColumnType.parse(c.type());
    return !type.array() && (type.kind() == dev.veil.activities.rules.PgKind.JSON
        || type.kind() == dev.veil.activities.rules.PgKind.JSONB);
  }

  /** Kinds whose tokens inside free text make a finding even when few values hold one. */
  private static final Set<String> TOKEN_KINDS = Set.of("email", "phone", "credit_card", "iban");
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Per JSON path of one column: string leaves sampled and the kinds they held. */
  private static final class JsonPaths {
    final Map<String, Integer> leaves = new java.util.TreeMap<>();
    final Map<String, Map<String, Integer>> kinds = new java.util.TreeMap<>();
    int documents;
    int documentsWithFinding;

    void add(String document) {
      documents++;
      Map<String, Set<String>> found = new HashMap<>();
      try {
        walk(JSON.readTree(document), "$", found);
      } catch (java.io.IOException e) {
        return;
      }
      boolean any = false;
      for (Map.Entry<String, Set<String>> e : found.entrySet()) {
        for (String kind : e.getValue()) {
          kinds.computeIfAbsent(e.getKey(), k -> new HashMap<>()).merge(kind, 1, Integer::sum);
          any = true;
        }
      }
      if (any) {
        documentsWithFinding++;
      }
    }

    private void walk(com.fasterxml.jackson.databind.JsonNode node, String path,
        Map<String, Set<String>> found) {
      if (node.isTextual()) {
        leaves.merge(path, 1, Integer::sum);
        Set<String> k = ContentDetectors.kindsInText(node.textValue());
        if (!k.isEmpty()) {
          found.computeIfAbsent(path, p -> new java.util.HashSet<>()).addAll(k);
        }
      } else if (node.isArray()) {
        // the json rule walks arrays element by element: their elements share the path
        node.forEach(element -> walk(element, path, found));
      } else if (node.isObject()) {
        node.fields().forEachRemaining(e -> {
          if (e.getKey().matches("[A-Za-z0-9_-]+")) {
            walk(e.getValue(), path + "." + e.getKey(), found);
          }
        });
      }
    }

    /** A {@code json} rule for the paths whose leaves hold personal data, or null. */
    ColumnFinding finding(String table, Column col) {
      Map<String, String> params = new java.util.TreeMap<>();
      double confidence = 1.0;
      for (Map.Entry<String, Map<String, Integer>> e : kinds.entrySet()) {
        int sampledLeaves = leaves.getOrDefault(e.getKey(), 0);
        Map.Entry<String, Integer> top = e.getValue().entrySet().stream()
            .max(Map.Entry.comparingByValue()).orElseThrow();
        double share = sampledLeaves == 0 ? 0 : (double) top.getValue() / sampledLeaves;
        if (share >= CONTENT_THRESHOLD) {
          params.put(e.getKey(), top.getKey());
          confidence = Math.min(confidence, share);
        } else if (TOKEN_KINDS.contains(top.getKey())) {
          // free text inside the document: blank it rather than guess a generator
          params.put(e.getKey(), "null");
          confidence = Math.min(confidence, 0.7);
        }
      }
      if (params.isEmpty()) {
        return null;
      }
      return new ColumnFinding(table, col.name(), col.type(), "json", "json", params,
          Math.round(confidence * 100) / 100.0, documents, documentsWithFinding,
          List.of("content"));
    }
  }

  private List<ColumnFinding> scanTable(Connection c, String schema, String table,
      long estimatedRows, List<Column> columns, int sampleRows) throws SQLException {
    List<Column> scanned = columns.stream().filter(PiiScanner::contentScanned).toList();
    Map<String, Map<String, Integer>> counts = new HashMap<>();
    Map<String, Map<String, Integer>> tokenCounts = new HashMap<>();
    Map<String, JsonPaths> jsonPaths = new HashMap<>();
    Map<String, Integer> sampled = new HashMap<>();
    if (!scanned.isEmpty()) {
      StringBuilder sql = new StringBuilder("SELECT ");
      sql.append(scanned.stream().map(col -> ident(col.name()) + "::text")
          .collect(Collectors.joining(", ")));
      sql.append(" FROM ").append(qualified(schema, table));
      if (estimatedRows > sampleRows * 10L) {
        double percent = Math.min(100, Math.max(0.0001, 300.0 * sampleRows / estimatedRows));
        sql.append(String.format(Locale.ROOT, " TABLESAMPLE SYSTEM (%.6f) REPEATABLE (7)", percent));
      }
      sql.append(" LIMIT ").append(sampleRows);
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
        while (rs.next()) {
          for (int i = 0; i < scanned.size(); i++) {
            String value = rs.getString(i + 1);
            if (value == null) {
              continue;
            }
            String name = scanned.get(i).name();
            sampled.merge(name, 1, Integer::sum);
            if (json(scanned.get(i))) {
              jsonPaths.computeIfAbsent(name, k -> new JsonPaths()).add(value);
              continue;
            }
            String kind = ContentDetectors.detect(value);
            if (kind != null) {
              counts.computeIfAbsent(name, k -> new HashMap<>()).merge(kind, 1, Integer::sum);
            } else if (value.length() > 20 && value.indexOf(' ') > 0) {
              // free text: the e-mails, phones, cards and IBANs written inside it
              for (String k : ContentDetectors.kindsInText(value)) {
                tokenCounts.computeIfAbsent(name, n -> new HashMap<>())
                    .merge(k, 1, Integer::sum);
              }
            }
          }
        }
      }
    }
    List<ColumnFinding> out = new ArrayList<>();
    for (Column col : columns) {
      ColumnFinding f;
      if (jsonPaths.containsKey(col.name())) {
        f = jsonPaths.get(col.name()).finding(schema + "." + table, col);
      } else {
        f = judge(schema + "." + table, col, sampled.getOrDefault(col.name(), 0),
            counts.getOrDefault(col.name(), Map.of()), contentScanned(col));
        if (f == null && tokenCounts.containsKey(col.name())) {
          f = freeText(schema + "." + table, col, sampled.getOrDefault(col.name(), 0),
              tokenCounts.get(col.name()));
        }
      }
      if (f != null) {
        out.add(f);
      }
    }
    return out;
  }

  /** The pattern that {@code regex_replace} suggestions for free text use. */
  static final String FREE_TEXT_PATTERN =
      "[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}|\\+?\\(?\\d[\\d ().-]{5,22}\\d";

  /**
   * A free-text column some of whose values hold e-mails, phones, cards or IBANs: replace them
   * where they stand (the rest of the text is kept).
   */
  static ColumnFinding freeText(String table, Column col, int sampled, Map<String, Integer> kinds) {
    int matched = kinds.entrySet().stream().filter(e -> TOKEN_KINDS.contains(e.getKey()))
        .mapToInt(Map.Entry::getValue).max().orElse(0);
    if (matched == 0 || col.category() != 'S') {
      return null;
    }
    String kind = kinds.entrySet().stream().filter(e -> TOKEN_KINDS.contains(e.getKey()))
        .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    return new ColumnFinding(table, col.name(), col.type(), "free_text:" + String.join("+",
        new TreeSet<>(kinds.keySet())), "regex_replace",
        Map.of("pattern", FREE_TEXT_PATTERN, "replacement", "[redacted]"),
        Math.round(Math.min(0.9, 0.5 + (double) matched / Math.max(1, sampled)) * 100) / 100.0,
        sampled, matched, List.of("content"));
  }

  /**
   * A whole pipeline file around the suggested rules: the scanned connection as source, a target
   * connection to name, the leak check on.
   */
  static String suggestedPipeline(String connection, List<String> schemas, String rules) {
    String id = (connection == null ? "scanned" : connection).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+", "");
    id = (id.isEmpty() ? "scanned" : id) + "-twin";
    if (id.length() > 63) {
      id = id.substring(0, 63);
    }
    return String.join("\n",
        "# " + id + ".yaml: a pipeline from this scan. Name the twin's connection (configured on",
        "# the agent), review the rules, then: veil check " + id,
        "id: " + id,
        "source: {connection: " + connection + ", schemas: [" + String.join(", ", schemas) + "]}",
        "target: {connection: twin}",
        "unmatchedColumns: passthrough",
        "verify: {mode: fail, sample: 100, minLength: 5}",
        rules);
  }

  /** A YAML scalar: as is when plain, else single-quoted. */
  static String yaml(String value) {
    return value.matches("[A-Za-z0-9_.-]+") ? value : "'" + value.replace("'", "''") + "'";
  }

  /** Combines the name and content signals of one column into a finding, or null. */
  static ColumnFinding judge(String table, Column col, int sampled, Map<String, Integer> counts,
      boolean contentScanned) {
    ColumnType type = ColumnType.parse(col.type());
    boolean text = col.category() == 'S';
    // the most frequent kind in the sample (the name kinds count together)
    String topKind = null;
    int top = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      if (e.getValue() > top) {
        topKind = e.getKey();
        top = e.getValue();
      }
    }
    int names = counts.getOrDefault("first_name", 0) + counts.getOrDefault("last_name", 0)
        + counts.getOrDefault("full_name", 0);
    if (topKind != null && topKind.endsWith("_name") && names > top) {
      top = names;
    }
    double fraction = sampled == 0 ? 0 : (double) top / sampled;

    Presets.Entry byName = NAMES.match(col.name()).orElse(null);
    RuleSpec nameRule = null;
    if (byName != null) {
      RuleType r = Rules.find(byName.rule().rule());
      if (r.accepts(type, text)) {
        nameRule = byName.rule();
      }
    }
    String nameKind = nameRule == null ? null : kindOf(byName, nameRule);

    String kind;
    RuleSpec rule;
    double confidence;
    List<String> signals = new ArrayList<>();
    if (topKind != null && fraction >= CONTENT_THRESHOLD) {
      kind = topKind;
      if (kind.endsWith("_name") && nameKind != null && nameKind.endsWith("_name")) {
        kind = nameKind; // the column name tells first from last better than one word does
      }
      rule = RuleSpec.of(kind);
      signals.add("content");
      confidence = fraction;
      if (nameKind != null && (nameKind.equals(kind)
          || nameKind.endsWith("_name") && kind.endsWith("_name"))) {
        signals.add(0, "name");
        confidence = Math.max(0.95, fraction);
      }
    } else if (nameRule != null) {
      boolean checkable = contentScanned && CONTENT_KINDS.contains(nameKind);
      int nameMatches = nameKind.endsWith("_name") ? names : counts.getOrDefault(nameKind, 0);
      if (checkable && sampled >= MIN_SAMPLE && (double) nameMatches / sampled < CONTRADICTED) {
        return null; // the name says PII, the values say otherwise (a phone_model column)
      }
      kind = nameKind;
      rule = nameRule;
      signals.add("name");
      confidence = checkable && sampled >= MIN_SAMPLE ? 0.5 + 0.5 * nameMatches / sampled : 0.6;
      if (nameMatches > 0) {
        signals.add("content");
      }
      top = nameMatches;
    } else {
      return null;
    }
    // a UNIQUE column needs a rule that keeps values distinct
    RuleType suggested = Rules.find(rule.rule());
    if (col.unique() && !suggested.uniquePreserving(rule.params())) {
      rule = text ? new RuleSpec("hash", Map.of("length", "24")) : rule;
    }
    return new ColumnFinding(table, col.name(), col.type(), kind, rule.rule(), rule.params(),
        Math.round(confidence * 100) / 100.0, sampled, top, List.copyOf(signals));
  }

  private static String kindOf(Presets.Entry entry, RuleSpec rule) {
    return switch (rule.rule()) {
      case "truncate_date" -> "birth_date";
      case "hash" -> "secret";
      case "numeric_noise" -> "coordinate";
      default -> rule.rule();
    };
  }

  /** A {@code rules:} block for a pipeline spec, one line per finding. */
  static String suggestedRules(List<ColumnFinding> findings) {
    if (findings.isEmpty()) {
      return "rules: {}\n";
    }
    List<ColumnFinding> ordered = new ArrayList<>(findings);
    ordered.sort(Comparator.comparing(ColumnFinding::table).thenComparing(ColumnFinding::column));
    StringBuilder out = new StringBuilder("rules:\n");
    for (ColumnFinding f : ordered) {
      StringBuilder rule = new StringBuilder("{rule: ").append(f.rule());
      new TreeSet<>(f.params().keySet()).forEach(k ->
          rule.append(", ").append(yaml(k)).append(": ").append(yaml(f.params().get(k))));
      rule.append('}');
      out.append(String.format(Locale.ROOT, "  %-40s %-32s # %s, confidence %.2f (%s%s)%n",
          f.table() + "." + f.column() + ":", rule, f.kind(), f.confidence(),
          String.join("+", f.signals()),
          f.signals().contains("content")
              ? ", " + f.matched() + "/" + f.sampled() + " sampled values" : ""));
    }
    return out.toString();
  }
}
