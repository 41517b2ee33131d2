package dev.veil.activities.plan;

import static dev.veil.activities.db.Sql.qualified;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.config.RowFilter;
import dev.veil.activities.config.SpecValidator;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.db.JdbcUrls;
import dev.veil.activities.schema.SchemaPreflight;
import dev.veil.activities.subset.SubsetPlanner;
import dev.veil.activities.db.SafeErrors;
import dev.veil.activities.plan.SourceCatalog.Column;
import dev.veil.activities.plan.SourceCatalog.ForeignKey;
import dev.veil.activities.plan.SourceCatalog.Table;
import dev.veil.activities.rules.ColumnType;
import dev.veil.activities.rules.PgText;
import dev.veil.activities.rules.Presets;
import dev.veil.activities.rules.RuleType;
import dev.veil.activities.rules.Rules;
import dev.veil.activities.twin.TwinNames;
import dev.veil.workflows.plan.ChunkRange;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.TableMode;
import dev.veil.workflows.spec.TableOptions;
import dev.veil.workflows.spec.UnmatchedColumns;
import dev.veil.workflows.plan.DeliveryPlan;
import dev.veil.workflows.spec.DeliverySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Turns a spec into a {@link RunPlan} against the real source catalog. Read only: it runs in a
 * read-only transaction on the source and never touches the target. Every problem found is
 * collected, so one run of the planner names all of them.
 */
public final class Planner {

  private final ConnectionRegistry connections;
  private final String pgBinDir;
  private final java.util.function.Predicate<String> storageConfigured;

  public Planner(ConnectionRegistry connections) {
    this(connections, null);
  }

  /** A planner that knows no delivery storage (a delivery to {@code s3://} is refused). */
  public Planner(ConnectionRegistry connections, String pgBinDir) {
    this(connections, pgBinDir, name -> false);
  }

  /**
   * @param pgBinDir where pg_dump and pg_restore are ({@code postgres.binDir}), or null for
   *     {@code VEIL_PG_BIN} and PATH
   */
  public Planner(ConnectionRegistry connections, String pgBinDir,
      java.util.function.Predicate<String> storageConfigured) {
    this.connections = connections;
    this.pgBinDir = pgBinDir;
    this.storageConfigured = storageConfigured;
  }

  /**
   * Plans a run.
   *
   * @throws InvalidSpecException naming every table, column, rule or filter that does not fit the
   *     source
   * @throws SQLException when the source cannot be read
   */
  public RunPlan plan(PipelineSpec spec, String runId) throws SQLException {
    return plan(spec, runId, null);
  }

  /**
   * Plans a run whose build database is named after {@code runUid} (a fresh UUID when null, as for
   * {@code veil check}).
   */
  public RunPlan plan(PipelineSpec spec, String runId, String runUid) throws SQLException {
    List<String> problems = new ArrayList<>(SpecValidator.validate(spec));
    if (!problems.isEmpty()) {
      // a spec can reach the planner from a workflow input, not only from a validated source
      throw new InvalidSpecException(spec.id(), problems);
    }
    if (spec.source() == null || spec.source().connection() == null) {
      problems.add("source.connection: required");
    } else if (!connections.has(spec.source().connection())) {
      problems.add("source.connection: '" + spec.source().connection()
          + "' is not configured on this agent (configured: "
          + String.join(", ", connections.names()) + ")");
    }
    boolean delivery = spec.target() != null && spec.target().delivery() != null;
    if (delivery) {
      String storage = spec.target().delivery().storage();
      if (storage != null && !storageConfigured.test(storage)) {
        problems.add("target.delivery.storage: '" + storage
            + "' is not configured on this agent (deliveryStorages)");
      }
    } else if (spec.target() == null || spec.target().connection() == null) {
      problems.add("target.connection: required");
    } else if (!connections.has(spec.target().connection())) {
      problems.add("target.connection: '" + spec.target().connection()
          + "' is not configured on this agent (configured: "
          + String.join(", ", connections.names()) + ")");
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(spec.id(), problems);
    }

    try (Connection source = connections.open(spec.source().connection(), "veil-plan")) {
      source.setAutoCommit(false);
      source.setReadOnly(true);
      try {
        return plan(spec, runId, runUid == null ? UUID.randomUUID().toString() : runUid, source,
            problems);
      } finally {
        source.rollback();
      }
    }
  }

  private RunPlan plan(
      PipelineSpec spec, String runId, String runUid, Connection source, List<String> problems)
      throws SQLException {
    SourceCatalog catalog = new SourceCatalog(source);
    List<String> warnings = new ArrayList<>();
    List<String> schemas = spec.source().effectiveSchemas();
    List<String> existing = catalog.existingSchemas(schemas);
    for (String schema : schemas) {
      if (!existing.contains(schema)) {
        problems.add("source.schemas: schema '" + schema + "' does not exist in the source");
      }
    }
    Map<String, Table> relations = catalog.relations(schemas);
    Map<String, String> roots = catalog.partitionRoots(schemas);
    Map<String, Table> selected = select(spec, relations, roots, problems, warnings);

    Map<String, TableOptions> options = spec.effectiveTables().effectiveOptions();
    Set<String> selectedRoots = new HashSet<>();
    for (String leaf : selected.keySet()) {
      if (roots.containsKey(leaf)) {
        selectedRoots.add(roots.get(leaf));
      }
    }
    for (String key : options.keySet()) {
      if (!selected.containsKey(key) && !selectedRoots.contains(key)) {
        problems.add("tables.options." + key + ": no such table among the copied tables");
      }
    }

    Map<String, Map<String, RuleSpec>> rulesByTable =
        rulesByTable(expandToLeaves(spec.effectiveRules(), selected.keySet(), roots),
            selected, selectedRoots, problems);

    boolean tidRanges = catalog.serverVersionNum() >= 140000;
    long chunkRows = spec.effectiveTables().effectiveChunkRows();
    List<TablePlan> tables = new ArrayList<>();
    Map<String, Table> described = new LinkedHashMap<>();
    for (Table t : selected.values()) {
      Table full = catalog.describe(t);
      described.put(full.qualifiedName(), full);
      String root = roots.get(t.qualifiedName());
      TableOptions opts = options.get(t.qualifiedName());
      if (opts == null && root != null) {
        opts = options.get(root);
      }
      TableMode mode = opts == null ? TableMode.copy : opts.effectiveMode();
      String where = opts == null ? null : blankToNull(opts.where());
      Double sample = opts == null ? null : opts.sample();
      List<ColumnPlan> columns =
          columns(full, rulesByTable.getOrDefault(t.qualifiedName(), Map.of()), spec, problems,
              source, catalog.uniqueColumns(full.oid()), warnings);
      if (where != null) {
        // only the table's own columns, literals and allow-listed functions; re-rendered from
        // the parse tree and parenthesised, so nothing can escape the chunk's predicate
        RowFilter.Verdict verdict = RowFilter.check(where, full.columns().stream()
            .map(SourceCatalog.Column::name).collect(Collectors.toSet()));
        String field = "tables.options." + (root != null && options.get(t.qualifiedName()) == null
            ? root : t.qualifiedName()) + ".where";
        verdict.problems().forEach(p -> problems.add(p.startsWith(field) ? p : field + ": " + p));
        if (verdict.problems().isEmpty()) {
          where = verdict.predicate();
          checkWhere(source, full, where, problems);
        }
      }
      List<ChunkRange> chunks =
          mode == TableMode.schema
              ? List.of()
              : chunks(full, chunkRows, spec.effectiveMaxActiveTasks(),
                  tidRanges && sample == null);
      tables.add(
          new TablePlan(
              full.schema(),
              full.name(),
              full.estimatedRows(),
              columns,
              where,
              sample,
              mode,
              chunks,
              root));
    }
    if (spec.subset() != null) {
      // the subset's filters keep every foreign key between copied tables whole, so none of
      // them is skipped below
      tables = SubsetPlanner.apply(source, spec.subset(), schemas, tables, problems);
    }
    checkForeignKeys(described, tables, roots, problems);
    List<String> skipped = skippedForeignKeys(relations, described, tables, roots, warnings);
    problems.addAll(AccessChecks.sourceProblems(source, selected.values().stream()
        .map(t -> new AccessChecks.QualifiedTable(t.schema(), t.name())).toList()));
    boolean delivery = spec.target().delivery() != null;
    String twin = delivery ? null : connections.settings(spec.target().connection()).database();
    if (!delivery) {
      problems.addAll(targetProblems(spec, source, twin, schemas));
    }

    if (!problems.isEmpty()) {
      throw new InvalidSpecException(spec.id(), problems);
    }
    if (delivery
        && spec.effectiveVerify().mode() != dev.veil.workflows.spec.VerifySpec.VerifyMode.off) {
      warnings.add("verify: the leak check does not scan delivered files yet; this delivery is"
          + " not checked");
    }
    tables.sort(
        Comparator.comparingLong(TablePlan::estimatedRows)
            .reversed()
            .thenComparing(TablePlan::qualifiedName));
    return new RunPlan(
        spec.id(),
        runId,
        runUid,
        spec.version(),
        spec.source().connection(),
        spec.target().connection(),
        twin,
        delivery ? null : TwinNames.build(twin, runUid),
        schemas,
        spec.effectiveMaxActiveTasks(),
        tables,
        skipped,
        spec.target().twinOptions(),
        warnings,
        delivery ? deliveryPlan(spec, runId, runUid) : null);
  }

  /** Where a delivery run writes: {@code <pipeline>/<run>} under the spec's {@code to}. */
  private static DeliveryPlan deliveryPlan(PipelineSpec spec, String runId, String runUid) {
    DeliverySpec d = spec.target().delivery();
    // the run id names the folder when it is a plain name (a workflow id like veil-run-demo-7)
    String run = runId != null && runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}") ? runId
        : runUid;
    return new DeliveryPlan(d.storage(), d.to(), spec.id() + "/" + run, d.effectiveFormat(),
        d.effectiveCompression(), d.effectiveKeep());
  }

  /**
   * What the catalogs already show would make the run fail later: the target role cannot create
   * or replace the twin, an extension the schema needs is not available on the target, pg_dump
   * or pg_restore are missing or too old, or the twin would be the source itself.
   */
  private List<String> targetProblems(
      PipelineSpec spec, Connection source, String twin, List<String> schemas)
      throws SQLException {
    ConnectionSettings sourceSettings = connections.settings(spec.source().connection());
    ConnectionSettings targetSettings = connections.settings(spec.target().connection());
    if (JdbcUrls.hosts(sourceSettings.url()).equalsIgnoreCase(JdbcUrls.hosts(targetSettings.url()))
        && sourceSettings.database().equals(twin)) {
      return List.of("target.connection: its database " + twin + " is the source database: each"
          + " run replaces the twin's whole database, so it must be another one");
    }
    List<String> problems = new ArrayList<>();
    Savepoint sp = source.setSavepoint();
    try (Connection admin = maintenance(spec.target().connection())) {
      problems.addAll(AccessChecks.targetProblems(admin, twin));
      problems.addAll(SchemaPreflight.missingExtensions(source, admin, schemas).stream()
          .map(p -> "target.connection: " + p).toList());
      problems.addAll(SchemaPreflight.pgToolProblems(pgBinDir, source, admin));
      source.releaseSavepoint(sp);
    } catch (SQLException e) {
      source.rollback(sp);
      problems.add("target.connection: cannot connect to the target server: "
          + SafeErrors.describe(e));
    }
    return problems;
  }

  /** A session on the target's server outside the twin, which need not exist yet. */
  private Connection maintenance(String targetConnection) throws SQLException {
    try {
      return connections.open(targetConnection, "veil-plan", "postgres");
    } catch (SQLException e) {
      if ("3D000".equals(e.getSQLState())) {
        return connections.open(targetConnection, "veil-plan", "template1");
      }
      throw e;
    }
  }

  /**
   * Applies include and exclude. A partitioned table stands for its leaf partitions (rows live in
   * the leaves); views, materialized views and other relations come with the schema and have no
   * rows of their own to copy. Patterns that match nothing are problems.
   */
  private static Map<String, Table> select(
      PipelineSpec spec,
      Map<String, Table> relations,
      Map<String, String> roots,
      List<String> problems,
      List<String> warnings) {
    List<String> include = spec.effectiveTables().effectiveInclude();
    List<String> exclude = spec.effectiveTables().effectiveExclude();
    Map<String, Table> out = new LinkedHashMap<>();
    List<String> effectiveInclude = include.isEmpty() ? List.of("*.*") : include;
    for (String pattern : effectiveInclude) {
      Pattern regex = glob(pattern);
      boolean matched = false;
      for (Table t : relations.values()) {
        if (!regex.matcher(t.qualifiedName()).matches()) {
          continue;
        }
        matched = true;
        if (excluded(t.qualifiedName(), exclude)) {
          continue;
        }
        if (t.kind() == 'p') {
          for (Map.Entry<String, String> leaf : roots.entrySet()) {
            Table l = relations.get(leaf.getKey());
            if (leaf.getValue().equals(t.qualifiedName()) && l != null && l.kind() == 'r'
                && !excluded(l.qualifiedName(), exclude)) {
              out.put(l.qualifiedName(), l);
            }
          }
        } else if (t.kind() == 'r') {
          String root = roots.get(t.qualifiedName());
          if (root == null || !excluded(root, exclude)) {
            out.put(t.qualifiedName(), t);
          }
        } else if (t.kind() == 'f') {
          warnings.add("foreign table " + t.qualifiedName()
              + ": its definition is restored, its rows are not copied");
        }
      }
      if (!matched) {
        problems.add("tables.include: '" + pattern + "' matches no table in the source");
      }
    }
    return out;
  }

  private static boolean excluded(String qualifiedName, List<String> exclude) {
    return exclude.stream().anyMatch(e -> glob(e).matcher(qualifiedName).matches());
  }

  /** Rules given on a partitioned table apply to each of its copied leaves. */
  private static Map<String, RuleSpec> expandToLeaves(
      Map<String, RuleSpec> rules, Set<String> selected, Map<String, String> roots) {
    Map<String, RuleSpec> out = new LinkedHashMap<>();
    for (Map.Entry<String, RuleSpec> e : rules.entrySet()) {
      String[] parts = e.getKey().split("\\.", -1);
      if (parts.length == 3 && !selected.contains(parts[0] + "." + parts[1])) {
        String table = parts[0] + "." + parts[1];
        boolean expanded = false;
        for (String leaf : selected) {
          if (table.equals(roots.get(leaf))) {
            out.putIfAbsent(leaf + "." + parts[2], e.getValue());
            expanded = true;
          }
        }
        if (expanded) {
          continue;
        }
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /**
   * Foreign keys the twin cannot have: the referencing table's rows are copied but the
   * referenced table is not copied whole (excluded, structure only, filtered or sampled), so some
   * references would point at nothing. They are left out of the restore and named in warnings.
   */
  private static List<String> skippedForeignKeys(
      Map<String, Table> relations,
      Map<String, Table> described,
      List<TablePlan> tables,
      Map<String, String> roots,
      List<String> warnings) {
    Map<String, Boolean> whole = new HashMap<>();
    Set<String> copiesRows = new HashSet<>();
    for (TablePlan t : tables) {
      boolean w = t.mode() == TableMode.copy && t.where() == null && t.sample() == null;
      whole.merge(t.qualifiedName(), w, Boolean::logicalAnd);
      if (t.partitionOf() != null) {
        whole.merge(t.partitionOf(), w, Boolean::logicalAnd);
      }
      if (t.mode() == TableMode.copy) {
        copiesRows.add(t.qualifiedName());
      }
    }
    List<String> out = new ArrayList<>();
    Set<String> named = new HashSet<>();
    for (Table t : described.values()) {
      if (!copiesRows.contains(t.qualifiedName())) {
        continue;
      }
      for (ForeignKey fk : t.foreignKeys()) {
        String ref = fk.refSchema() + "." + fk.refTable();
        if (Boolean.TRUE.equals(whole.get(ref))) {
          continue;
        }
        String declaredOn = roots.getOrDefault(t.qualifiedName(), t.qualifiedName());
        String key = declaredOn + "." + fk.name();
        out.add(t.qualifiedName() + "." + fk.name());
        if (!declaredOn.equals(t.qualifiedName())) {
          out.add(key);
        }
        if (named.add(key)) {
          warnings.add("foreign key " + fk.name() + " of " + declaredOn + " is not created: "
              + ref + " is not copied whole (excluded, structure only, filtered or sampled),"
              + " so some references would point at nothing");
        }
      }
    }
    return out;
  }

  /** {@code *} matches any run of characters; everything else is literal. */
  static Pattern glob(String pattern) {
    return Pattern.compile(
        Arrays.stream(pattern.split("\\*", -1))
            .map(part -> part.isEmpty() ? "" : Pattern.quote(part))
            .collect(Collectors.joining(".*")));
  }

  private static Map<String, Map<String, RuleSpec>> rulesByTable(
      Map<String, RuleSpec> rules,
      Map<String, Table> selected,
      Set<String> selectedRoots,
      List<String> problems) {
    Map<String, Map<String, RuleSpec>> out = new HashMap<>();
    for (Map.Entry<String, RuleSpec> e : rules.entrySet()) {
      String key = e.getKey();
      if (key.equals(Presets.KEY)) {
        continue; // expanded per column
      }
      String[] parts = key.split("\\.", -1);
      if (parts.length != 3) {
        problems.add("rules." + key + ": key must be schema.table.column");
        continue;
      }
      String table = parts[0] + "." + parts[1];
      if (!selected.containsKey(table)) {
        problems.add("rules." + key + ": table " + table + " is not among the copied tables");
        continue;
      }
      out.computeIfAbsent(table, t -> new LinkedHashMap<>()).put(parts[2], e.getValue());
    }
    return out;
  }

  private static List<ColumnPlan> columns(
      Table table,
      Map<String, RuleSpec> rules,
      PipelineSpec spec,
      List<String> problems,
      Connection source,
      UniqueKeys uniqueKeys,
      List<String> warnings)
      throws SQLException {
    Presets.Preset preset =
        Presets.find(Presets.presetName(spec.effectiveRules())).orElse(null);
    for (String column : rules.keySet()) {
      if (table.column(column) == null) {
        problems.add("rules." + table.qualifiedName() + "." + column
            + ": column does not exist in " + table.qualifiedName());
      }
    }
    // What each column's rule does to uniqueness, for composite keys: explicit rules first, the
    // preset's preferred rule where a preset column is not decided yet, then the decided rule.
    Map<String, UniqueKeys.Masking> masking = new HashMap<>();
    for (Column c : table.columns()) {
      RuleSpec rule = rules.get(c.name());
      if (rule == null && preset != null && c.generated() != 's') {
        rule = preset.match(c.name()).map(Presets.Entry::rule).orElse(null);
      }
      masking.put(c.name(), UniqueKeys.maskingOf(rule));
    }
    java.util.function.Function<String, UniqueKeys.Masking> assigned =
        name -> masking.getOrDefault(name, UniqueKeys.Masking.KEPT);
    Map<String, RuleSpec> resolved = new HashMap<>();
    for (Column c : table.columns()) {
      RuleSpec rule = rules.get(c.name());
      String field = "rules." + table.qualifiedName() + "." + c.name();
      if (rule == null && preset != null && c.generated() != 's') {
        rule = fromPreset(preset, table, c, field, source, uniqueKeys, assigned, problems,
            warnings);
      }
      masking.put(c.name(), UniqueKeys.maskingOf(rule));
      if (rule != null) {
        resolved.put(c.name(), rule);
      }
    }
    List<String> unmatched = new ArrayList<>();
    List<ColumnPlan> out = new ArrayList<>();
    for (Column c : table.columns()) {
      RuleSpec rule = resolved.get(c.name());
      String field = "rules." + table.qualifiedName() + "." + c.name();
      if (rule == null) {
        if (c.generated() != 's') {
          unmatched.add(table.qualifiedName() + "." + c.name());
        }
        out.add(new ColumnPlan(c.name(), c.type(), null, Map.of(), c.generated() == 's'));
        continue;
      }
      RuleType type = Rules.find(rule.rule());
      if (type == null) {
        problems.add(field + ": unknown rule '" + rule.rule() + "' (known: "
            + String.join(", ", Rules.names()) + ")");
        continue;
      }
      for (String p : type.validate(rule.params())) {
        problems.add(field + "." + p);
      }
      checkFit(table, c, type, rule, field, problems, source);
      for (String violation :
          uniqueKeys.violations(c.name(), assigned, String.join(", ", uniquePreservingRules()))) {
        problems.add(field + ": " + violation);
      }
      boolean passthrough = type.name().equals("passthrough");
      out.add(
          new ColumnPlan(
              c.name(), c.type(), passthrough ? null : type.name(), rule.params(),
              c.generated() == 's'));
    }
    if (spec.effectiveUnmatchedColumns() == UnmatchedColumns.fail && !unmatched.isEmpty()) {
      problems.add("unmatchedColumns: fail, and these columns have no rule (give each a rule, or"
          + " rule: passthrough if it is not PII): " + String.join(", ", unmatched));
    }
    return out;
  }

  /**
   * The preset's rule for a column without an explicit rule, if its name matches and the rule
   * fits the column's type, length, nullability and unique keys.
   *
   * <p>A personal-data match that does not fit leaves the column unmasked, with a warning. A
   * secret or identifier match on a column that can hold one ({@link Presets.Entry#mustMask})
   * never does: it takes the first of {@link Presets.Entry#candidates} that fits (a hash cut to
   * the column's length, a UUID, NULL), with a warning saying which; when none fits, that is a
   * problem naming the column, its type and why each candidate was refused, and the run does not
   * start.
   */
  private static RuleSpec fromPreset(
      Presets.Preset preset, Table table, Column c, String field, Connection source,
      UniqueKeys uniqueKeys, java.util.function.Function<String, UniqueKeys.Masking> assigned,
      List<String> problems, List<String> warnings) throws SQLException {
    Presets.Entry entry = preset.match(c.name()).orElse(null);
    if (entry == null) {
      return null;
    }
    String column = field.substring("rules.".length());
    boolean mustMask = entry.mustMask(ColumnType.parse(c.type()), c.typeCategory());
    List<RuleSpec> candidates =
        mustMask ? entry.candidates(charLimit(c)) : List.of(entry.rule());
    List<String> refusals = new ArrayList<>();
    for (RuleSpec candidate : candidates) {
      RuleType type = Rules.find(candidate.rule());
      List<String> misfit = new ArrayList<>();
      checkFit(table, c, type, candidate, field, misfit, source);
      if (misfit.isEmpty()) {
        UniqueKeys.Masking mine = UniqueKeys.maskingOf(candidate);
        for (String v : uniqueKeys.violations(c.name(),
            name -> name.equals(c.name()) ? mine : assigned.apply(name),
            String.join(", ", uniquePreservingRules()))) {
          misfit.add(field + ": " + v);
        }
      }
      if (misfit.isEmpty()) {
        if (candidate != entry.rule()) {
          warnings.add("preset " + preset.name() + ": " + column + " matches '"
              + entry.pattern() + "' (" + entry.what() + "), rule '"
              + entry.rule().rule() + "' does not fit, so it is masked with rule '"
              + candidate.rule() + "'" + (candidate.params().isEmpty() ? "" : " "
              + new java.util.TreeMap<>(candidate.params())) + " instead");
        }
        return candidate;
      }
      refusals.add(misfit.get(0).substring(field.length() + 2));
    }
    if (mustMask) {
      problems.add(field + ": preset " + preset.name() + " flags " + c.name() + " ("
          + c.type() + (c.notNull() ? " NOT NULL" : "") + ") as " + entry.what()
          + " (pattern '" + entry.pattern() + "'), and no rule fits it: "
          + String.join("; ", refusals)
          + ". Give it an explicit rule that fits, or rule: passthrough if it is not "
          + entry.what());
      return null;
    }
    warnings.add("preset " + preset.name() + ": " + column + " matches '" + entry.pattern()
        + "' but " + refusals.get(0) + "; the column is not masked by the preset");
    return null;
  }

  /** Checks that a rule can write into the column's type. */
  private static void checkFit(
      Table table, Column c, RuleType type, RuleSpec rule, String field, List<String> problems,
      Connection source) throws SQLException {
    if (c.generated() == 's') {
      problems.add(field + ": is a generated column; its value is computed, not copied");
      return;
    }
    ColumnType columnType = ColumnType.parse(c.type());
    if (!type.accepts(columnType, c.typeCategory() == 'S')) {
      problems.add(field + ": rule '" + type.name() + "' does not accept a column of type "
          + c.type() + " (it accepts " + acceptedKinds(type) + ")");
      return;
    }
    if (type.writesNull() && c.notNull()) {
      problems.add(field + ": rule '" + type.name() + "' writes NULL but the column is NOT NULL");
      return;
    }
    int maxLength = safeMaxLength(type, rule.params());
    int limit = charLimit(c);
    if (maxLength > 0 && limit > 0 && maxLength > limit) {
      problems.add(field + ": rule '" + type.name() + "' writes up to " + maxLength
          + " characters but the column is " + c.type());
    }
    List<String> referenced;
    try {
      referenced = type.referencedColumns(rule.params());
    } catch (RuntimeException e) {
      referenced = List.of(); // bad parameters are reported by validate()
    }
    for (String name : referenced) {
      Column other = table.column(name);
      if (other == null) {
        problems.add(field + ": rule '" + type.name() + "' reads column " + name
            + ", which does not exist in " + table.qualifiedName());
      } else if (other.generated() == 's') {
        problems.add(field + ": rule '" + type.name() + "' reads column " + name
            + ", a generated column (not copied)");
      } else if (!PgText.RENDERABLE.contains(ColumnType.parse(other.type()).kind())
          || ColumnType.parse(other.type()).array()) {
        problems.add(field + ": rule '" + type.name() + "' reads column " + name
            + " of type " + other.type() + ", which it cannot print (use a text, integer,"
            + " numeric, uuid, date or boolean column)");
      }
    }
    if (type.name().equals("replacement") && rule.params().get("value") != null) {
      checkCast(source, c, rule.params().get("value"), field, problems);
    }
  }

  private static boolean safeUnique(RuleType type, Map<String, String> params) {
    try {
      return type.uniquePreserving(params);
    } catch (RuntimeException e) {
      return true; // bad parameters are reported by validate()
    }
  }

  private static List<String> uniquePreservingRules() {
    return Rules.all().stream()
        .filter(r -> !r.name().equals("passthrough") && safeUnique(r, Map.of()))
        .map(RuleType::name)
        .collect(Collectors.toList());
  }

  /** The kinds a rule accepts, for messages: "text, inet (and arrays of them)". */
  static String acceptedKinds(RuleType type) {
    if (type.anyType()) {
      return "any type";
    }
    return type.kinds().stream()
            .map(k -> k.name().toLowerCase(java.util.Locale.ROOT))
            .collect(Collectors.joining(", "))
        + " (and arrays of them)";
  }

  private static int safeMaxLength(RuleType type, Map<String, String> params) {
    try {
      return type.maxLength(params);
    } catch (RuntimeException e) {
      return -1; // bad parameters are reported by validate()
    }
  }

  /** The n of varchar(n)/char(n), or -1. */
  private static int charLimit(Column c) {
    String t = c.type();
    if ((t.startsWith("character varying(") || t.startsWith("character(")) && c.typmod() > 4) {
      return c.typmod() - 4;
    }
    return -1;
  }

  private static void checkCast(
      Connection source, Column c, String value, String field, List<String> problems)
      throws SQLException {
    Savepoint sp = source.setSavepoint();
    try (PreparedStatement ps =
        source.prepareStatement("SELECT CAST(? AS " + c.type() + ")")) {
      ps.setString(1, value);
      ps.execute();
    } catch (SQLException e) {
      source.rollback(sp);
      problems.add(field + ".value: not a valid " + c.type() + " ("
          + SafeErrors.describe(e) + ")");
      return;
    }
    source.releaseSavepoint(sp);
  }

  /** Parses and plans the filter on the source without running it. */
  private static void checkWhere(
      Connection source, Table t, String where, List<String> problems) throws SQLException {
    String field = "tables.options." + t.qualifiedName() + ".where";
    if (where.contains(";") || where.contains("--") || where.contains("/*")) {
      problems.add(field + ": must be one boolean expression, without ';' or comments");
      return;
    }
    Savepoint sp = source.setSavepoint();
    try (Statement s = source.createStatement()) {
      s.execute("SET LOCAL statement_timeout = '10s'");
      s.execute("EXPLAIN SELECT 1 FROM " + qualified(t.schema(), t.name()) + " WHERE (" + where
          + ")");
    } catch (SQLException e) {
      source.rollback(sp);
      problems.add(field + ": " + SafeErrors.describe(e));
      return;
    }
    source.releaseSavepoint(sp);
  }

  /**
   * Page ranges of roughly {@code chunkRows} rows; the last one is open-ended so rows on pages
   * added since the last ANALYZE are copied too. A table of more chunks than the run copies at once
   * ({@code parallel}) gets a multiple of {@code parallel}, so that the last wave of chunks is not
   * one straggler copying alone while the other slots idle: rounded down while chunks stay within a
   * quarter above {@code chunkRows}, else up.
   */
  static List<ChunkRange> chunks(Table t, long chunkRows, int parallel, boolean splittable) {
    long rows = t.estimatedRows();
    if (!splittable || rows <= chunkRows || t.pages() < 2) {
      return List.of(new ChunkRange(0, -1));
    }
    int n = (int) Math.min(t.pages(), balanced((rows + chunkRows - 1) / chunkRows, rows,
        chunkRows, parallel));
    long pagesPer = (t.pages() + n - 1) / n;
    List<ChunkRange> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long from = i * pagesPer;
      boolean last = i == n - 1 || (i + 1) * pagesPer >= t.pages();
      out.add(new ChunkRange(from, last ? -1 : (i + 1) * pagesPer));
      if (last) {
        break;
      }
    }
    return out;
  }

  /** {@code n} chunks rounded to a multiple of {@code parallel} (see {@link #chunks}). */
  static long balanced(long n, long rows, long chunkRows, int parallel) {
    if (parallel <= 1 || n <= parallel || n % parallel == 0) {
      return n;
    }
    long down = n / parallel * parallel;
    return rows <= down * chunkRows * 5 / 4 ? down : down + parallel;
  }

  /**
   * A foreign key survives the copy only if both sides are transformed alike: the same
   * deterministic rule, or none. Otherwise the keys no longer match and the build would fail.
   */
  private static void checkForeignKeys(
      Map<String, Table> described,
      List<TablePlan> tables,
      Map<String, String> roots,
      List<String> problems) {
    Map<String, TablePlan> byName = new HashMap<>();
    for (TablePlan t : tables) {
      byName.put(t.qualifiedName(), t);
      if (t.partitionOf() != null) {
        // a key referencing a partitioned table: its leaves share the root's rules
        byName.putIfAbsent(t.partitionOf(), t);
      }
    }
    Set<String> reported = new HashSet<>();
    for (Table t : described.values()) {
      for (ForeignKey fk : t.foreignKeys()) {
        TablePlan referenced = byName.get(fk.refSchema() + "." + fk.refTable());
        if (referenced == null) {
          continue;
        }
        TablePlan referencing = byName.get(t.qualifiedName());
        for (int i = 0; i < fk.columns().size(); i++) {
          ColumnPlan from = column(referencing, fk.columns().get(i));
          ColumnPlan to = column(referenced, fk.refColumns().get(i));
          if (from == null || to == null) {
            continue;
          }
          boolean nulled = "null".equals(from.rule());
          boolean same =
              Objects.equals(from.rule(), to.rule()) && from.params().equals(to.params());
          RuleType fromType = from.rule() == null ? null : Rules.find(from.rule());
          boolean deterministic = fromType == null || fromType.deterministic();
          String declaredOn = roots.getOrDefault(t.qualifiedName(), t.qualifiedName());
          if (!nulled && !(same && deterministic)
              && reported.add(declaredOn + "." + fk.name() + "." + from.name())) {
            problems.add("rules." + t.qualifiedName() + "." + from.name() + ": foreign key "
                + fk.name() + " needs the same deterministic rule (or none) on "
                + t.qualifiedName() + "." + from.name() + " and " + referenced.qualifiedName()
                + "." + to.name() + ", or rule null on the referencing column");
          }
        }
      }
    }
  }

  private static ColumnPlan column(TablePlan t, String name) {
    for (ColumnPlan c : t.columns()) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
