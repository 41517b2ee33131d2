package dev.veil.activities.plan;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the planner reads from the source catalog. Every query binds its inputs; names come back
 * from the catalog and are quoted when they reach SQL. Reads run with {@code search_path} set to
 * {@code pg_catalog} only, so {@code pg_get_expr}, {@code format_type} and
 * {@code pg_get_constraintdef} qualify every non-catalog name.
 */
final class SourceCatalog {

  record Column(
      String name,
      String type,
      int typmod,
      char typeCategory,
      String typeSchema,
      boolean notNull,
      String defaultExpr,
      char identity,
      char generated,
      String collation) {}

  record Constraint(String name, char type, String definition) {}

  record ForeignKey(
      String name,
      String refSchema,
      String refTable,
      List<String> columns,
      List<String> refColumns,
      char onUpdate,
      char onDelete,
      char match,
      boolean deferrable,
      boolean deferred,
      boolean validated) {}

  record Index(String name, String definition, String createPrefix) {}

  record OwnedSequence(
      String column,
      String name,
      String type,
      long start,
      long increment,
      long min,
      long max,
      long cache,
      boolean cycle,
      boolean identity,
      Long lastValue) {}

  record Table(
      long oid,
      String schema,
      String name,
      char kind,
      boolean partition,
      boolean unlogged,
      long estimatedRows,
      long pages,
      List<Column> columns,
      List<Constraint> constraints,
      List<ForeignKey> foreignKeys,
      List<Index> indexes,
      List<OwnedSequence> sequences,
      List<String> triggers) {

    String qualifiedName() {
      return schema + "." + name;
    }

    Column column(String columnName) {
      for (Column c : columns) {
        if (c.name().equals(columnName)) {
          return c;
        }
      }
      return null;
    }
  }

  private final Connection connection;

  SourceCatalog(Connection connection) throws SQLException {
    this.connection = connection;
    try (Statement s = connection.createStatement()) {
      s.execute("SET search_path TO pg_catalog");
    }
  }

  int serverVersionNum() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Relations of the given schemas: ordinary, partitioned, views, matviews, foreign tables. */
  Map<String, Table> relations(List<String> schemas) throws SQLException {
    Map<String, Table> out = new LinkedHashMap<>();
    String sql =
        "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relispartition,"
            + " c.relpersistence = 'u', greatest(c.reltuples, 0)::bigint, c.relpages"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ANY (?) AND c.relkind IN ('r','p','v','m','f')"
            + " ORDER BY n.nspname, c.relname";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setArray(1, connection.createArrayOf("text", schemas.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Table t =
              new Table(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4).charAt(0),
                  rs.getBoolean(5),
                  rs.getBoolean(6),
                  rs.getLong(7),
                  rs.getLong(8),
                  List.of(),
                  List.of(),
                  List.of(),
                  List.of(),
                  List.of(),
                  List.of());
          out.put(t.qualifiedName(), t);
        }
      }
    }
    return out;
  }

  /** Existing schemas among the given names. */
  List<String> existingSchemas(List<String> schemas) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY (?) ORDER BY nspname")) {
      ps.setArray(1, connection.createArrayOf("text", schemas.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** The table with its columns, constraints, indexes, owned sequences and trigger names. */
  /**
   * The partitioned table at the top of each partition of the given schemas: {@code schema.leaf
   * -> schema.root}. Rows live in the leaves, so the copy reads and writes leaves; the spec speaks
   * of the root.
   */
  Map<String, String> partitionRoots(List<String> schemas) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    String sql =
        "SELECT n.nspname || '.' || c.relname, rn.nspname || '.' || r.relname"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN pg_class r ON r.oid = pg_partition_root(c.oid)"
            + " JOIN pg_namespace rn ON rn.oid = r.relnamespace"
            + " WHERE c.relispartition AND n.nspname = ANY (?)";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setArray(1, connection.createArrayOf("text", schemas.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  Table describe(Table t) throws SQLException {
    return new Table(
        t.oid(), t.schema(), t.name(), t.kind(), t.partition(), t.unlogged(), t.estimatedRows(),
        t.pages(), columns(t.oid()), constraints(t.oid()), foreignKeys(t.oid()), indexes(t.oid()),
        sequences(t.oid()), triggers(t.oid()));
  }

  private List<Column> columns(long oid) throws SQLException {
    String sql =
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.atttypmod, t.typcategory,"
            + " tn.nspname, a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity,"
            + " a.attgenerated,"
            + " CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN"
            + "  (SELECT format('%I.%I', cn.nspname, co.collname) FROM pg_collation co"
            + "   JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation)"
            + " END"
            + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
            + " JOIN pg_namespace tn ON tn.oid = t.typnamespace"
            + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
            + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
    List<Column> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Column(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getInt(3),
                  rs.getString(4).charAt(0),
                  rs.getString(5),
                  rs.getBoolean(6),
                  rs.getString(7),
                  charOf(rs.getString(8)),
                  charOf(rs.getString(9)),
                  rs.getString(10)));
        }
      }
    }
    return out;
  }

  /**
   * The table's unique indexes (primary keys and unique constraints included) as PostgreSQL
   * enforces them: key columns only ({@code indnkeyatts}, so {@code INCLUDE} columns are left
   * out), key expressions and the columns they read, the predicate of a partial index and the
   * columns it reads, and {@code NULLS NOT DISTINCT} on PostgreSQL 15 and later.
   */
  UniqueKeys uniqueColumns(long oid) throws SQLException {
    List<UniqueKeys.UniqueKey> keys = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(uniqueIndexSql())) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(uniqueKey(rs));
        }
      }
    }
    return new UniqueKeys(keys, notNullColumns(oid));
  }

  private List<Constraint> constraints(long oid) throws SQLException {
    String sql =
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
            + " WHERE conrelid = ? AND contype IN ('p','u','c','x')"
            + " ORDER BY CASE contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 ELSE 3 END,"
            + " conname";
    List<Constraint> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Constraint(rs.getString(1), rs.getString(2).charAt(0), rs.getString(3)));
        }
      }
    }
    return out;
  }

  private List<ForeignKey> foreignKeys(long oid) throws SQLException {
    String sql =
        "SELECT con.conname, rn.nspname, rc.relname,"
            + " ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)"
            + "   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),"
            + " ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)"
            + "   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord),"
            + " con.confupdtype, con.confdeltype, con.confmatchtype, con.condeferrable,"
            + " con.condeferred, con.convalidated"
            + " FROM pg_constraint con JOIN pg_class rc ON rc.oid = con.confrelid"
            + " JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
            + " WHERE con.conrelid = ? AND con.contype = 'f' ORDER BY con.conname";
    List<ForeignKey> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new ForeignKey(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  strings(rs.getArray(4)),
                  strings(rs.getArray(5)),
                  rs.getString(6).charAt(0),
                  rs.getString(7).charAt(0),
                  rs.getString(8).charAt(0),
                  rs.getBoolean(9),
                  rs.getBoolean(10),
                  rs.getBoolean(11)));
        }
      }
    }
    return out;
  }

  private List<Index> indexes(long oid) throws SQLException {
    String sql =
        "SELECT ic.relname, pg_get_indexdef(i.indexrelid),"
            + " 'CREATE ' || CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END || 'INDEX '"
            + "  || quote_ident(ic.relname) || ' ON ' || format('%I.%I', n.nspname, c.relname)"
            + "  || ' USING '"
            + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
            + " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE i.indrelid = ? AND NOT EXISTS (SELECT 1 FROM pg_constraint con"
            + "  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid"
            + "  AND con.contype IN ('p','u','x'))"
            + " ORDER BY ic.relname";
    List<Index> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Index(rs.getString(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
    return out;
  }

  private List<OwnedSequence> sequences(long oid) throws SQLException {
    String sql =
        "SELECT a.attname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,"
            + " s.seqmin, s.seqmax, s.seqcache, s.seqcycle, d.deptype = 'i',"
            + " (SELECT ps.last_value FROM pg_sequences ps"
            + "   WHERE ps.schemaname = n.nspname AND ps.sequencename = c.relname)"
            + " FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN pg_sequence s ON s.seqrelid = c.oid"
            + " JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
            + " WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass"
            + " AND d.refobjid = ? AND d.deptype IN ('a','i') ORDER BY a.attnum";
    List<OwnedSequence> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long last = rs.getLong(11);
          out.add(
              new OwnedSequence(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getLong(6),
                  rs.getLong(7),
                  rs.getLong(8),
                  rs.getBoolean(9),
                  rs.getBoolean(10),
                  rs.wasNull() ? null : last));
        }
      }
    }
    return out;
  }

  private List<String> triggers(long oid) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = ? AND NOT tgisinternal ORDER BY tgname")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static char charOf(String s) {
    return s == null || s.isEmpty() ? '\0' : s.charAt(0);
  }

  private static List<String> strings(Array array) throws SQLException {
    List<String> out = new ArrayList<>();
    for (Object o : (Object[]) array.getArray()) {
      out.add((String) o);
    }
    return out;
  }

  private String uniqueIndexSql() throws SQLException {
    String nullsNotDistinct =
        serverVersionNum() >= 150000 ? "i.indnullsnotdistinct" : "false";
    return "SELECT ic.relname, con.contype, con.conname,"
        + " ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)"
        + "   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num"
        + "   WHERE k.ord <= i.indnkeyatts AND k.num > 0 ORDER BY k.ord),"
        + " ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int, false)"
        + "   FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)"
        + "   WHERE k.ord <= i.indnkeyatts AND k.num = 0 ORDER BY k.ord),"
        + " pg_get_expr(i.indpred, i.indrelid),"
        + " " + nullsNotDistinct + ", i.indisvalid,"
        // every column the index depends on: keys, INCLUDE, expressions and predicate
        + " ARRAY(SELECT a.attname FROM pg_depend d JOIN pg_attribute a"
        + "   ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
        + "   WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid"
        + "   AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid"
        + "   AND d.refobjsubid > 0 ORDER BY a.attnum)"
        + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
        + " LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid"
        + "  AND con.conrelid = i.indrelid AND con.contype IN ('p','u')"
        + " WHERE i.indrelid = ? AND i.indisunique ORDER BY ic.relname";
  }

  /**
   * One row of {@link #uniqueIndexSql}. The catalog does not say which dependent column an
   * expression or the predicate reads, so each is matched by its printed (quoted) name among the
   * columns the index depends on; a spurious match only adds a check.
   */
  private static UniqueKeys.UniqueKey uniqueKey(ResultSet rs) throws SQLException {
    List<String> expressions = strings(rs.getArray(5));
    String predicate = rs.getString(6);
    java.util.Set<String> expressionColumns = new java.util.LinkedHashSet<>();
    java.util.Set<String> predicateColumns = new java.util.LinkedHashSet<>();
    for (String column : strings(rs.getArray(9))) {
      if (expressions.stream().anyMatch(e -> UniqueKeys.mentions(e, column))) {
        expressionColumns.add(column);
      }
      if (UniqueKeys.mentions(predicate, column)) {
        predicateColumns.add(column);
      }
    }
    return new UniqueKeys.UniqueKey(
        rs.getString(1),
        charOf(rs.getString(2)),
        rs.getString(3),
        strings(rs.getArray(4)),
        expressions,
        expressionColumns,
        predicate,
        predicateColumns,
        rs.getBoolean(7),
        rs.getBoolean(8));
  }

  private java.util.Set<String> notNullColumns(long oid) throws SQLException {
    java.util.Set<String> out = new java.util.TreeSet<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT attname FROM pg_attribute WHERE attrelid = ? AND attnum > 0"
                + " AND NOT attisdropped AND attnotnull")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
