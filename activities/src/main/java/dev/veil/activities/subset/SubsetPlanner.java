package dev.veil.activities.subset;

import static dev.veil.activities.db.Sql.ident;

import dev.veil.activities.db.SafeErrors;
import dev.veil.workflows.plan.SubsetFilter;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.SubsetSpec;
import dev.veil.workflows.spec.TableMode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a {@link SubsetSpec} into one {@link SubsetFilter} per copied table: an SQL predicate over
 * the source that the copy engine ANDs into every chunk's filter. Nothing is written anywhere:
 * the closure is a pair of recursive CTEs that PostgreSQL evaluates under the run's snapshot (so
 * it works on a hot standby and the worker holds no key set), tagging each included row by
 * {@code (table, tableoid, ctid)}, which a snapshot keeps stable:
 *
 * <ol>
 *   <li>{@code veil_d}: root rows, then children of included rows along followed edges (within
 *       their limits), to a fixpoint; self-references and cycles settle there;
 *   <li>{@code veil_u}: {@code veil_d}, then every row an included row references, to a fixpoint
 *       (rows reached only upward start no downward walk).
 * </ol>
 *
 * A table the subset does not reach keeps the rows whose references are all present (or none,
 * with {@code otherTables: empty}). Logical tables are plain tables and partitioned roots; leaf
 * partitions take their root's filter.
 */
public final class SubsetPlanner {

  private static final Pattern COLUMNS = Pattern.compile("^([^.()]+)\\.([^.()]+)\\.\\((.+)\\)$");

  /** A foreign key or virtual key: {@code child.columns} reference {@code parent.refColumns}. */
  record Key(
      String field,
      String edgeName,
      String child,
      List<String> columns,
      String parent,
      List<String> refColumns,
      String when,
      boolean virtual) {}

  private final Connection source;
  private final SubsetSpec spec;
  private final List<String> problems;
  private final List<String> logical = new ArrayList<>();
  private final Map<String, String> sqlName = new HashMap<>();
  private final Map<String, Map<String, Boolean>> notNull = new HashMap<>();
  private final List<Key> keys = new ArrayList<>();
  private final Map<String, SubsetSpec.Edge> edgeOptions = new HashMap<>();

  private SubsetPlanner(Connection source, SubsetSpec spec, List<String> problems) {
    this.source = source;
    this.spec = spec;
    this.problems = problems;
  }

  /**
   * The copied tables with their subset filters. Problems (unknown tables, keys or columns in
   * the spec, conditions the source refuses) are added to {@code problems}, naming the field.
   *
   * @param source a read-only session on the source
   * @param schemas the source schemas whose foreign keys count
   */
  public static List<TablePlan> apply(
      Connection source, SubsetSpec spec, List<String> schemas, List<TablePlan> tables,
      List<String> problems) throws SQLException {
    SubsetPlanner planner = new SubsetPlanner(source, spec, problems);
    Map<String, SubsetFilter> filters = planner.filters(schemas, tables);
    List<TablePlan> out = new ArrayList<>();
    for (TablePlan t : tables) {
      out.add(t.withSubset(filters.get(logicalName(t))));
    }
    return out;
  }

  static String logicalName(TablePlan t) {
    return t.partitionOf() != null ? t.partitionOf() : t.qualifiedName();
  }

  private Map<String, SubsetFilter> filters(List<String> schemas, List<TablePlan> tables)
      throws SQLException {
    Set<String> copied = new TreeSet<>();
    Set<String> empty = new TreeSet<>();
    for (TablePlan t : tables) {
      String name = logicalName(t);
      if (t.mode() == TableMode.copy) {
        copied.add(name);
      } else {
        empty.add(name);
      }
      if (t.where() != null || t.sample() != null) {
        problems.add("tables.options." + name + ": where and sample cannot be combined with"
            + " subset (they would drop rows that other rows reference); use subset.roots");
      }
    }
    copied.removeAll(empty);
    logical.addAll(copied);
    for (String name : copied) {
      String[] parts = name.split("\\.", 2);
      sqlName.put(name, ident(parts[0]) + "." + ident(parts[1]));
    }
    readColumns(schemas);
    readForeignKeys(schemas, copied);
    readVirtualKeys(copied);
    readEdges();
    Map<String, SubsetSpec.Root> roots = spec.effectiveRoots();
    for (Map.Entry<String, SubsetSpec.Root> r : roots.entrySet()) {
      if (!copied.contains(r.getKey())) {
        problems.add("subset.roots." + r.getKey() + ": no such table among the copied tables"
            + (empty.contains(r.getKey()) ? " (it is structure only)" : ""));
      } else if (r.getValue() != null && r.getValue().where() != null) {
        checkCondition("subset.roots." + r.getKey(), r.getKey(), r.getValue().where());
      }
    }
    if (!problems.isEmpty()) {
      return Map.of();
    }

    // down: roots, then children along followed edges
    Map<String, String> reason = new LinkedHashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    for (String root : new TreeSet<>(roots.keySet())) {
      reason.put(root, "root");
      queue.add(root);
    }
    Set<String> down = new HashSet<>();
    while (!queue.isEmpty()) {
      String parent = queue.poll();
      down.add(parent);
      for (Key k : keys) {
        if (k.parent().equals(parent) && options(k).followed() && !reason.containsKey(k.child())) {
          reason.put(k.child(), "down from " + parent);
          queue.add(k.child());
        }
      }
    }
    // up: every table an included row references, unless the key is nulled instead
    queue.addAll(down);
    Set<String> reached = new HashSet<>(down);
    while (!queue.isEmpty()) {
      String child = queue.poll();
      for (Key k : keys) {
        if (k.child().equals(child) && !options(k).nulledIfMissing() && reached.add(k.parent())) {
          reason.put(k.parent(), "up from " + child);
          queue.add(k.parent());
        }
      }
    }

    String cte = cte(roots, down);
    Map<String, String> predicates = new HashMap<>();
    for (String t : reached) {
      predicates.put(t, "(tableoid, ctid) IN (" + cte + " SELECT veil_toid, veil_tid FROM veil_u"
          + " WHERE veil_t = " + id(t) + ")");
    }
    Set<String> other = new TreeSet<>(copied);
    other.removeAll(reached);
    for (String t : other) {
      if (spec.effectiveOtherTables() == SubsetSpec.OtherTables.empty) {
        predicates.put(t, "false");
        reason.put(t, "empty");
      }
    }
    Map<String, SubsetFilter> out = new HashMap<>();
    for (String t : empty) {
      out.put(t, new SubsetFilter(null, "empty", null));
    }
    for (String t : other) {
      if (!predicates.containsKey(t)) {
        otherPredicate(t, predicates, empty, new HashSet<>());
        reason.put(t, predicates.get(t) == null ? "whole" : "whole, rows whose references are present");
      }
    }
    for (String t : copied) {
      Map<String, String> nulled = new LinkedHashMap<>();
      for (Key k : keys) {
        if (k.child().equals(t) && options(k).nulledIfMissing()) {
          String present = present(k, predicates, empty);
          if (present != null) {
            for (String c : k.columns()) {
              nulled.merge(c, present, (a, b) -> "(" + a + ") AND (" + b + ")");
            }
          }
        }
      }
      boolean inClosure = reached.contains(t);
      out.put(t, new SubsetFilter(predicates.get(t), reason.get(t), nulled,
          inClosure ? cte + " SELECT veil_t, veil_toid, veil_tid FROM veil_u" : null,
          inClosure ? logical.indexOf(t) : null));
    }
    for (String t : reached) {
      checkPredicate(t, predicates.get(t));
    }
    return out;
  }

  /**
   * The rows of a table the subset does not reach whose references are all present; {@code
   * null} when every row is. A cycle among such tables is cut where it closes (those references
   * count as present).
   */
  private String otherPredicate(
      String t, Map<String, String> predicates, Set<String> empty, Set<String> visiting) {
    if (predicates.containsKey(t) || !visiting.add(t)) {
      return predicates.get(t);
    }
    List<String> conditions = new ArrayList<>();
    for (Key k : keys) {
      if (k.child().equals(t) && !options(k).nulledIfMissing()) {
        if (!predicates.containsKey(k.parent()) && !k.parent().equals(t)) {
          otherPredicate(k.parent(), predicates, empty, visiting);
        }
        String present = present(k, predicates, empty);
        if (present != null) {
          conditions.add(present);
        }
      }
    }
    String predicate = conditions.isEmpty() ? null : String.join(" AND ", conditions);
    predicates.put(t, predicate);
    return predicate;
  }

  /**
   * True where the row's reference along {@code k} is NULL, does not apply ({@code when}), or
   * points at a row of the parent that the subset keeps; {@code null} when the parent is copied
   * whole.
   */
  private String present(Key k, Map<String, String> predicates, Set<String> empty) {
    String parentPredicate = empty.contains(k.parent()) ? "false" : predicates.get(k.parent());
    if (parentPredicate == null) {
      return null;
    }
    List<String> nulls = new ArrayList<>();
    for (String c : k.columns()) {
      nulls.add(ident(c) + " IS NULL");
    }
    String parentSql = empty.contains(k.parent()) ? quotedLogical(k.parent()) : sqlName.get(k.parent());
    String in = "(" + columnList(k.columns()) + ") IN (SELECT " + columnList(k.refColumns())
        + " FROM " + parentSql + " WHERE " + parentPredicate + ")";
    String cond = "(" + String.join(" OR ", nulls) + " OR " + in + ")";
    return k.when() == null ? cond : "((" + k.when() + ") IS NOT TRUE OR " + cond + ")";
  }

  private static String quotedLogical(String name) {
    String[] parts = name.split("\\.", 2);
    return ident(parts[0]) + "." + ident(parts[1]);
  }

  /** The two recursive CTEs: down from the roots, then up from everything included. */
  private String cte(Map<String, SubsetSpec.Root> roots, Set<String> down) {
    List<String> bases = new ArrayList<>();
    for (String t : new TreeSet<>(roots.keySet())) {
      SubsetSpec.Root r = roots.get(t);
      StringBuilder b = new StringBuilder("SELECT ").append(id(t)).append(", tableoid, ctid FROM ")
          .append(sqlName.get(t));
      if (r != null && r.sample() != null) {
        b.append(" TABLESAMPLE BERNOULLI (")
            .append(String.format(Locale.ROOT, "%.6f", r.sample()))
            .append(") REPEATABLE (0)");
      }
      if (r != null && r.where() != null && !r.where().isBlank()) {
        b.append(" WHERE (").append(r.where()).append(")");
      }
      bases.add(b.toString());
    }
    List<String> downSteps = new ArrayList<>();
    List<String> upSteps = new ArrayList<>();
    for (Key k : keys) {
      SubsetSpec.Edge o = options(k);
      if (o.followed() && down.contains(k.parent())) {
        StringBuilder s = new StringBuilder("SELECT ").append(id(k.child()))
            .append(", veil_c.tableoid, veil_c.ctid FROM ").append(sqlName.get(k.parent()))
            .append(" veil_p CROSS JOIN LATERAL (SELECT tableoid, ctid FROM ")
            .append(sqlName.get(k.child())).append(" WHERE ")
            .append(joinOn(k.columns(), "veil_p", k.refColumns()));
        if (k.when() != null) {
          s.append(" AND (").append(k.when()).append(")");
        }
        if (o.limit() != null) {
          s.append(" ORDER BY ctid LIMIT ").append(o.limit());
        }
        s.append(") veil_c WHERE veil_d.veil_t = ").append(id(k.parent()))
            .append(" AND veil_p.tableoid = veil_d.veil_toid AND veil_p.ctid = veil_d.veil_tid");
        downSteps.add(s.toString());
      }
      if (!o.nulledIfMissing()) {
        StringBuilder s = new StringBuilder("SELECT ").append(id(k.parent()))
            .append(", veil_p.tableoid, veil_p.ctid FROM (SELECT ")
            .append(columnList(k.columns())).append(" FROM ").append(sqlName.get(k.child()))
            .append(" WHERE tableoid = veil_u.veil_toid AND ctid = veil_u.veil_tid");
        if (k.when() != null) {
          s.append(" AND (").append(k.when()).append(")");
        }
        s.append(") veil_c CROSS JOIN LATERAL (SELECT tableoid, ctid FROM ")
            .append(sqlName.get(k.parent())).append(" WHERE ")
            .append(joinOn(k.refColumns(), "veil_c", k.columns()))
            .append(") veil_p WHERE veil_u.veil_t = ").append(id(k.child()));
        upSteps.add(s.toString());
      }
    }
    StringBuilder sql = new StringBuilder("WITH RECURSIVE veil_d(veil_t, veil_toid, veil_tid) AS (")
        .append(String.join(" UNION ALL ", bases));
    if (!downSteps.isEmpty()) {
      sql.append(" UNION SELECT veil_s.* FROM veil_d CROSS JOIN LATERAL (")
          .append(String.join(" UNION ALL ", downSteps)).append(") veil_s");
    }
    sql.append("), veil_u(veil_t, veil_toid, veil_tid) AS (SELECT veil_t, veil_toid, veil_tid"
        + " FROM veil_d");
    if (!upSteps.isEmpty()) {
      sql.append(" UNION SELECT veil_s.* FROM veil_u CROSS JOIN LATERAL (")
          .append(String.join(" UNION ALL ", upSteps)).append(") veil_s");
    }
    return sql.append(")").toString();
  }

  /** {@code a = alias.x AND b = alias.y}: the table's columns against the other side's. */
  private static String joinOn(List<String> columns, String alias, List<String> others) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      parts.add(ident(columns.get(i)) + " = " + alias + "." + ident(others.get(i)));
    }
    return String.join(" AND ", parts);
  }

  private static String columnList(List<String> columns) {
    return String.join(", ", columns.stream().map(c -> ident(c)).toList());
  }

  private String id(String logicalTable) {
    return logical.indexOf(logicalTable) + "::int";
  }

  private SubsetSpec.Edge options(Key k) {
    return edgeOptions.getOrDefault(k.edgeName(), new SubsetSpec.Edge(null, null, null));
  }

  private void readColumns(List<String> schemas) throws SQLException {
    String sql = "SELECT n.nspname || '.' || c.relname, a.attname, a.attnotnull"
        + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ANY (?) AND c.relkind IN ('r','p') AND a.attnum > 0"
        + " AND NOT a.attisdropped";
    try (PreparedStatement ps = source.prepareStatement(sql)) {
      ps.setArray(1, source.createArrayOf("text", schemas.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          notNull.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
              .put(rs.getString(2), rs.getBoolean(3));
        }
      }
    }
  }

  /** Declared foreign keys between copied tables, as declared (not their partition clones). */
  private void readForeignKeys(List<String> schemas, Set<String> copied) throws SQLException {
    String sql = "SELECT con.conname, cn.nspname || '.' || c.relname,"
        + " ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)"
        + "   JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num"
        + "   ORDER BY k.ord),"
        + " rn.nspname || '.' || r.relname,"
        + " ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)"
        + "   JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num"
        + "   ORDER BY k.ord)"
        + " FROM pg_catalog.pg_constraint con"
        + " JOIN pg_catalog.pg_class c ON c.oid = con.conrelid"
        + " JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace"
        + " JOIN pg_catalog.pg_class r ON r.oid = con.confrelid"
        + " JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace"
        + " WHERE con.contype = 'f' AND con.conparentid = 0 AND cn.nspname = ANY (?)"
        + " ORDER BY 2, 1";
    try (PreparedStatement ps = source.prepareStatement(sql)) {
      ps.setArray(1, source.createArrayOf("text", schemas.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String child = rs.getString(2);
          String parent = rs.getString(4);
          String edge = child + "." + rs.getString(1);
          if (copied.contains(child) && copied.contains(parent)) {
            keys.add(new Key("subset.edges." + edge, edge, child, strings(rs.getArray(3)),
                parent, strings(rs.getArray(5)), null, false));
          } else {
            edgeNames.add(edge);
          }
        }
      }
    }
  }

  private final Set<String> edgeNames = new HashSet<>();

  private void readVirtualKeys(Set<String> copied) throws SQLException {
    List<SubsetSpec.VirtualKey> virtual = spec.effectiveVirtualForeignKeys();
    for (int i = 0; i < virtual.size(); i++) {
      SubsetSpec.VirtualKey v = virtual.get(i);
      String field = "subset.virtualForeignKeys[" + i + "]";
      String[] from = endpoint(field + ".from", v.from(), copied);
      String[] to = endpoint(field + ".to", v.to(), copied);
      if (from == null || to == null) {
        continue;
      }
      List<String> fromColumns = List.of(from[1].split(","));
      List<String> toColumns = List.of(to[1].split(","));
      if (fromColumns.size() != toColumns.size()) {
        problems.add(field + ": from has " + fromColumns.size() + " columns and to has "
            + toColumns.size());
        continue;
      }
      String edge = from[0] + "." + (v.name() == null ? "virtual" + i : v.name());
      String when = v.when() == null || v.when().isBlank() ? null : v.when();
      if (when != null && !checkCondition(field + ".when", from[0], when)) {
        continue;
      }
      keys.add(new Key(field, edge, from[0], fromColumns, to[0], toColumns, when, true));
    }
  }

  /** {@code schema.table.(a, b)} to {@code [schema.table, "a,b"]}, or null with a problem. */
  private String[] endpoint(String field, String text, Set<String> copied) {
    Matcher m = text == null ? null : COLUMNS.matcher(text.trim());
    if (m == null || !m.matches()) {
      problems.add(field + ": must be schema.table.(column, ...)");
      return null;
    }
    String table = m.group(1).trim() + "." + m.group(2).trim();
    if (!copied.contains(table)) {
      problems.add(field + ": no such table among the copied tables: " + table);
      return null;
    }
    List<String> columns = new ArrayList<>();
    for (String c : m.group(3).split(",")) {
      String name = c.trim();
      if (!notNull.getOrDefault(table, Map.of()).containsKey(name)) {
        problems.add(field + ": column " + name + " does not exist in " + table);
        return null;
      }
      columns.add(name);
    }
    return new String[] {table, String.join(",", columns)};
  }

  private void readEdges() {
    Map<String, Key> byName = new HashMap<>();
    for (Key k : keys) {
      byName.put(k.edgeName(), k);
    }
    for (Map.Entry<String, SubsetSpec.Edge> e : spec.effectiveEdges().entrySet()) {
      String field = "subset.edges." + e.getKey();
      Key k = byName.get(e.getKey());
      if (k == null) {
        problems.add(field + ": no foreign key or named virtual key "
            + (edgeNames.contains(e.getKey()) ? "between copied tables " : "") + e.getKey());
        continue;
      }
      SubsetSpec.Edge o = e.getValue() == null ? new SubsetSpec.Edge(null, null, null) : e.getValue();
      if (o.nulledIfMissing()) {
        for (String c : k.columns()) {
          if (Boolean.TRUE.equals(notNull.getOrDefault(k.child(), Map.of()).get(c))) {
            problems.add(field + ".nullIfMissing: column " + k.child() + "." + c
                + " is NOT NULL, so it cannot be set to NULL");
          }
        }
      }
      edgeOptions.put(e.getKey(), o);
    }
  }

  /** Parses and plans a condition on the source without running it. */
  private boolean checkCondition(String field, String table, String condition)
      throws SQLException {
    if (condition.contains(";") || condition.contains("--") || condition.contains("/*")) {
      problems.add(field + ": must be one boolean expression, without ';' or comments");
      return false;
    }
    return explain(field, "SELECT 1 FROM " + quotedLogical(table) + " WHERE (" + condition + ")");
  }

  private void checkPredicate(String table, String predicate) throws SQLException {
    explain("subset", "SELECT 1 FROM " + quotedLogical(table) + " WHERE " + predicate);
  }

  private boolean explain(String field, String select) throws SQLException {
    Savepoint sp = source.setSavepoint();
    try (Statement s = source.createStatement()) {
      s.execute("SET LOCAL statement_timeout = '10s'");
      s.execute("EXPLAIN " + select);
    } catch (SQLException e) {
      source.rollback(sp);
      problems.add(field + ": " + SafeErrors.describe(e));
      return false;
    }
    source.releaseSavepoint(sp);
    return true;
  }

  private static List<String> strings(Array array) throws SQLException {
    List<String> out = new ArrayList<>();
    for (Object o : (Object[]) array.getArray()) {
      out.add((String) o);
    }
    return out;
  }
}
