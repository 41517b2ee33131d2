package dev.veil.activities.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only checks that tell, before any copy, whether the schema of a source can be restored on
 * a target server: extensions the target cannot create, and a pg_dump too old for the source
 * ({@link PgTools#problemsFor}). Used by planning and {@code veil check}; each message names what
 * is needed.
 */
public final class SchemaPreflight {

  /** An extension installed in the source database. */
  public record SourceExtension(String name, String version, String schema) {}

  /**
   * An extension the target server offers ({@code pg_available_extensions}).
   *
   * @param trusted whether a non-superuser with CREATE on the database may create it (PostgreSQL
   *     13+; false when unknown)
   */
  public record AvailableExtension(String name, String defaultVersion, boolean trusted) {}

  private SchemaPreflight() {}

  /**
   * Extensions of the source that the twin will need and the target server cannot create: not
   * installed on the target's server at all, or not trusted while the target's user is no
   * superuser. With {@code schemas} given, the extensions that live in one of them or in {@code
   * public} are needed (those a dump creates, see {@link SchemaArchive#dump}); an extension in
   * another schema is reported as not copied. Both connections are only read.
   */
  public static List<String> missingExtensions(
      Connection source, Connection target, List<String> schemas) throws SQLException {
    List<SourceExtension> installed = sourceExtensions(source);
    Map<String, AvailableExtension> available = availableExtensions(target);
    boolean superuser = isSuperuser(target);
    return missingExtensions(installed, available, superuser, schemas);
  }

  /**
   * What keeps pg_dump/pg_restore from copying the schema of {@code source} into {@code
   * targetOrNull}'s server: no client found (with how to install one), a pg_dump older than the
   * source, a pg_restore older than pg_dump, a target older than the source. Empty when all fit.
   *
   * @param binDirOrNull {@code postgres.binDir}, as {@link PgTools#locate} takes it
   */
  public static List<String> pgToolProblems(
      String binDirOrNull, Connection source, Connection targetOrNull) throws SQLException {
    PgTools tools;
    try {
      tools = PgTools.locate(binDirOrNull);
    } catch (IllegalStateException e) {
      return List.of(e.getMessage());
    }
    int sourceVersion = serverVersionNum(source);
    return targetOrNull == null
        ? tools.problemsFor(sourceVersion)
        : tools.problemsFor(sourceVersion, serverVersionNum(targetOrNull));
  }

  /** {@code server_version_num}, e.g. 170002. */
  static int serverVersionNum(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('server_version_num')::int");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The logic of {@link #missingExtensions(Connection, Connection, List)} on plain data. */
  static List<String> missingExtensions(
      List<SourceExtension> installed,
      Map<String, AvailableExtension> available,
      boolean targetSuperuser,
      List<String> schemas) {
    List<String> problems = new ArrayList<>();
    for (SourceExtension e : installed) {
      boolean dumped =
          schemas.isEmpty() || schemas.contains(e.schema()) || "public".equals(e.schema());
      if (!dumped) {
        problems.add(
            "extension " + e.name() + " " + e.version() + " lives in schema " + e.schema()
                + ", which is not copied: objects that use it cannot be created in the twin;"
                + " add schema " + e.schema() + " to source.schemas");
        continue;
      }
      AvailableExtension offered = available.get(e.name());
      if (offered == null) {
        problems.add(
            "extension " + e.name() + " " + e.version() + " is installed in the source but not"
                + " available on the target server: install its package there (for example"
                + " postgresql-<major>-" + e.name() + " or the server's contrib package)");
      } else if (!targetSuperuser && !offered.trusted()) {
        problems.add(
            "extension " + e.name() + " " + e.version() + " can only be created by a superuser"
                + " on the target server: create it in template1 there, or connect the target as"
                + " a superuser");
      }
    }
    return List.copyOf(problems);
  }

  /** Extensions created in the source database (not {@code plpgsql}, built in everywhere). */
  static List<SourceExtension> sourceExtensions(Connection source) throws SQLException {
    String sql =
        "SELECT e.extname, e.extversion, n.nspname FROM pg_catalog.pg_extension e"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
            + " WHERE e.oid >= 16384 ORDER BY e.extname"; // FirstNormalObjectId: not made by initdb
    List<SourceExtension> extensions = new ArrayList<>();
    try (PreparedStatement ps = source.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        extensions.add(new SourceExtension(rs.getString(1), rs.getString(2), rs.getString(3)));
      }
    }
    return extensions;
  }

  static Map<String, AvailableExtension> availableExtensions(Connection target)
      throws SQLException {
    boolean hasTrusted = target.getMetaData().getDatabaseMajorVersion() >= 13;
    String sql =
        "SELECT a.name, a.default_version, "
            + (hasTrusted
                ? "coalesce((SELECT v.trusted FROM pg_catalog.pg_available_extension_versions v"
                    + " WHERE v.name = a.name AND v.version = a.default_version), false)"
                : "false")
            + " FROM pg_catalog.pg_available_extensions a";
    Map<String, AvailableExtension> available = new HashMap<>();
    try (PreparedStatement ps = target.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        available.put(
            rs.getString(1), new AvailableExtension(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
      }
    }
    return available;
  }

  private static boolean isSuperuser(Connection target) throws SQLException {
    try (PreparedStatement ps =
            target.prepareStatement(
                "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }
}
