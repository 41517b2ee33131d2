package dev.veil.activities.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rights a run needs, checked from the catalogs before anything is copied, so that a missing
 * GRANT is reported by planning and {@code veil check} and not by a copy that fails after hours.
 * Read only: every check is a catalog query or a {@code has_*_privilege} call for the connected
 * role ({@code current_user}). Each problem names the role, the object and the missing right,
 * and says what to grant.
 */
public final class AccessChecks {

  /** A source table by schema and name, as the spec selects it. */
  public record QualifiedTable(String schema, String name) {
    @Override
    public String toString() {
      return schema + "." + name;
    }
  }

  private AccessChecks() {}

  /**
   * What the source role lacks to copy the tables: USAGE on each schema, and SELECT on each
   * table, or at least on each of its copied columns (stored generated columns are not read).
   * A partitioned table is copied from its leaf partitions, which are read directly, so SELECT on
   * the parent is not enough: each leaf is checked. A table under row-level security that the
   * role does not bypass would silently copy only the rows its policies show, so that is a
   * problem too. Tables that do not exist are left to the planner.
   *
   * @param source a connection to the source as the pipeline's source role
   * @param tables the tables the run copies
   * @return problems, each starting with {@code "source: "}; empty if the role can read them all
   */
  public static List<String> sourceProblems(Connection source, List<QualifiedTable> tables)
      throws SQLException {
    String role = currentRole(source);
    boolean bypassRls = bool(source,
        "SELECT rolsuper OR rolbypassrls FROM pg_catalog.pg_roles WHERE rolname = current_user");
    List<String> problems = new ArrayList<>();
    Set<String> schemas = new LinkedHashSet<>();
    for (QualifiedTable t : tables) {
      schemas.add(t.schema());
    }
    for (String schema : schemas) {
      try (PreparedStatement ps = source.prepareStatement(
          "SELECT pg_catalog.quote_ident(nspname),"
              + " pg_catalog.has_schema_privilege(oid, 'USAGE')"
              + " FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
        ps.setString(1, schema);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && !rs.getBoolean(2)) {
            problems.add("source: role " + role + " lacks USAGE on schema " + schema
                + " (GRANT USAGE ON SCHEMA " + rs.getString(1) + " TO " + quoted(role) + ")");
          }
        }
      }
    }
    for (QualifiedTable t : tables) {
      for (Relation r : relationsToRead(source, t)) {
        String what = r.leafOf() == null
            ? t.toString()
            : "partition " + r.name() + " of " + t;
        String grant = " (GRANT SELECT ON " + r.quotedName() + " TO " + quoted(role) + ")";
        if (!r.canSelectTable()) {
          List<String> denied = deniedColumns(source, r.oid());
          if (!denied.isEmpty()) {
            boolean none = denied.size() == r.columnCount();
            problems.add("source: role " + role + " lacks SELECT on " + what
                + (none ? "" : " (columns " + String.join(", ", denied) + ")") + grant);
          }
        }
        if (r.rowSecurity() && !bypassRls && (!r.owned() || r.forceRowSecurity())) {
          problems.add("source: role " + role + " is subject to row-level security on " + what
              + ", so the copy would read only the rows its policies show (ALTER ROLE "
              + quoted(role) + " BYPASSRLS, or copy as the table's owner)");
        }
      }
    }
    return problems;
  }

  /**
   * What the target role lacks to build and swap in the twin database: CREATEDB (each run
   * builds the twin in a fresh database, and renaming a database needs it too); ownership of the
   * existing twin database (directly or through a role it inherits), to rename it aside and drop
   * it; and the privileges of {@code pg_signal_backend}, to end sessions still on the old twin.
   * A superuser has all of them.
   *
   * @param targetMaintenance a connection to the target server as the pipeline's target role
   *     (any database on it, e.g. {@code postgres})
   * @param twinDatabase the twin's database name; it need not exist yet
   * @return problems, each starting with {@code "target: "}; empty if the role can do it all
   */
  public static List<String> targetProblems(Connection targetMaintenance, String twinDatabase)
      throws SQLException {
    String role = currentRole(targetMaintenance);
    List<String> problems = new ArrayList<>();
    boolean superuser = false;
    boolean createdb = false;
    try (PreparedStatement ps = targetMaintenance.prepareStatement(
        "SELECT rolsuper, rolcreatedb FROM pg_catalog.pg_roles WHERE rolname = current_user");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        superuser = rs.getBoolean(1);
        createdb = rs.getBoolean(2);
      }
    }
    if (superuser) {
      return problems;
    }
    if (!createdb) {
      problems.add("target: role " + role + " lacks CREATEDB, and each run builds the twin in a"
          + " fresh database (ALTER ROLE " + quoted(role) + " CREATEDB)");
    }
    try (PreparedStatement ps = targetMaintenance.prepareStatement(
        "SELECT pg_catalog.pg_get_userbyid(datdba),"
            + " pg_catalog.pg_has_role(current_user, datdba, 'USAGE')"
            + " FROM pg_catalog.pg_database WHERE datname = ?")) {
      ps.setString(1, twinDatabase);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && !rs.getBoolean(2)) {
          String owner = rs.getString(1);
          problems.add("target: role " + role + " cannot rename or drop the twin database "
              + twinDatabase + ", which is owned by " + owner + " (ALTER DATABASE "
              + quoted(twinDatabase) + " OWNER TO " + quoted(role) + ", or GRANT "
              + quoted(owner) + " TO " + quoted(role) + ")");
        }
      }
    }
    if (!bool(targetMaintenance,
        "SELECT pg_catalog.pg_has_role(current_user, 'pg_signal_backend', 'USAGE')")) {
      problems.add("target: role " + role + " cannot end other roles' sessions on the twin"
          + " database before the swap (GRANT pg_signal_backend TO " + quoted(role) + ")");
    }
    return problems;
  }

  /** A relation the copy reads: the table itself, or each leaf partition of a partitioned one. */
  private record Relation(
      long oid,
      String name,
      String quotedName,
      String leafOf,
      boolean canSelectTable,
      int columnCount,
      boolean rowSecurity,
      boolean forceRowSecurity,
      boolean owned) {}

  private static List<Relation> relationsToRead(Connection c, QualifiedTable t)
      throws SQLException {
    String sql =
        "WITH t AS (SELECT cl.oid, cl.relkind FROM pg_catalog.pg_class cl"
            + "  JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace"
            + "  WHERE n.nspname = ? AND cl.relname = ?),"
            + " r AS (SELECT t.oid, false AS leaf FROM t WHERE t.relkind <> 'p'"
            + "  UNION ALL SELECT p.relid::oid, true FROM t,"
            + "  LATERAL pg_catalog.pg_partition_tree(t.oid) p"
            + "  WHERE t.relkind = 'p' AND p.isleaf)"
            + " SELECT cl.oid, n.nspname || '.' || cl.relname,"
            + "  pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(cl.relname),"
            + "  r.leaf, pg_catalog.has_table_privilege(cl.oid, 'SELECT'),"
            + "  (SELECT count(*) FROM pg_catalog.pg_attribute a WHERE a.attrelid = cl.oid"
            + "   AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''),"
            + "  cl.relrowsecurity, cl.relforcerowsecurity,"
            + "  pg_catalog.pg_has_role(current_user, cl.relowner, 'USAGE')"
            + " FROM r JOIN pg_catalog.pg_class cl ON cl.oid = r.oid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace"
            + " ORDER BY 2";
    List<Relation> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, t.schema());
      ps.setString(2, t.name());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Relation(rs.getLong(1), rs.getString(2), rs.getString(3),
              rs.getBoolean(4) ? t.toString() : null, rs.getBoolean(5), rs.getInt(6),
              rs.getBoolean(7), rs.getBoolean(8), rs.getBoolean(9)));
        }
      }
    }
    return out;
  }

  /** Copied columns the role may not SELECT (when it lacks SELECT on the table). */
  private static List<String> deniedColumns(Connection c, long oid) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = ? AND attnum > 0"
            + " AND NOT attisdropped AND attgenerated = ''"
            + " AND NOT pg_catalog.has_column_privilege(attrelid, attnum, 'SELECT')"
            + " ORDER BY attnum")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static String currentRole(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT current_user");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static boolean bool(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /** An identifier as it must appear in the suggested SQL. */
  private static String quoted(String identifier) {
    return identifier.matches("[a-z_][a-z0-9_$]*")
        ? identifier
        : "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
