package dev.veil.activities.schema;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.db.SafeErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A schema-only pg_dump archive (custom format) of the source, restored into the twin in two
 * sections: pre-data before Veil's copy, post-data (keys, indexes, foreign keys, triggers, rules,
 * policies) after it. Rows never go through pg_dump.
 *
 * <p>What {@code --schema-only} leaves out, and so the caller does after the load:
 *
 * <ul>
 *   <li>{@code SEQUENCE SET}: sequence values ({@link SequenceValues});
 *   <li>{@code MATERIALIZED VIEW DATA}: materialized views are created {@code WITH NO DATA} in
 *       pre-data, and no refresh entry is in the archive (checked against pg_dump 15 by {@code
 *       SchemaArchiveIT}); refresh them in {@link #materializedViewsInOrder} order.
 * </ul>
 *
 * <p>Subscriptions, publications and security labels are never dumped: a twin must not start
 * replicating from anyone, and labels need the source's label provider. Tablespaces are not
 * restored: the target's server need not have the source's.
 */
public final class SchemaArchive {

  /** Veil's own schema in a twin; never dumped. */
  public static final String VEIL_SCHEMA = "_veil";

  private SchemaArchive() {}

  /**
   * Dumps the schema of {@code schemas} (all of the database when empty) to a custom-format
   * archive. Read-only on the source (works on a hot standby). With {@code -n}, pg_dump leaves out
   * extensions; those that live in a dumped schema or in {@code public} are added with {@code -e}
   * (read from {@code pg_extension}), so that the twin creates them.
   *
   * @param snapshotIdOrNull an exported snapshot ({@code pg_export_snapshot()}) to dump under, so
   *     the schema is the one the copy reads
   * @param keepOwnership keep owners and grants (the roles must exist on the target); else {@code
   *     --no-owner --no-privileges}
   * @param timeout pg_dump is killed after it
   * @throws SchemaToolException with pg_dump's scrubbed stderr and exit code
   */
  public static void dump(
      PgTools tools,
      ConnectionSettings source,
      List<String> schemas,
      String snapshotIdOrNull,
      boolean keepOwnership,
      Path archiveFile,
      Duration timeout) {
    List<String> extensions = List.of();
    if (!schemas.isEmpty()) {
      try (Connection c = ConnectionRegistry.open(source, "veil-schema")) {
        c.setReadOnly(true);
        extensions = extensionsToDump(c, schemas);
      } catch (SQLException e) {
        throw new SchemaToolException(
            "pg_dump", -1, false, "cannot read the source's extensions: " + SafeErrors.describe(e));
      }
    }
    LibpqConnection connection = LibpqConnection.of(source, null, "veil-pg_dump");
    List<String> command =
        dumpCommand(tools, connection, schemas, extensions, snapshotIdOrNull, keepOwnership, archiveFile, timeout);
    ToolRun.run("pg_dump", command, connection, null, timeout, "dumping the source schema");
  }

  static List<String> dumpCommand(
      PgTools tools,
      LibpqConnection connection,
      List<String> schemas,
      List<String> extensions,
      String snapshotIdOrNull,
      boolean keepOwnership,
      Path archiveFile,
      Duration timeout) {
    List<String> command = new ArrayList<>();
    command.add(tools.pgDump().toString());
    command.add("--dbname=" + connection.connectionString());
    command.add("--format=custom");
    command.add("--schema-only");
    command.add("--file=" + archiveFile);
    command.add("--no-sync");
    command.add("--no-subscriptions");
    command.add("--no-publications");
    command.add("--no-security-labels");
    // a table locked ACCESS EXCLUSIVE must not hang the dump past its own timeout
    command.add("--lock-wait-timeout=" + Math.max(1, timeout.toMillis()));
    command.add("--exclude-schema=" + VEIL_SCHEMA);
    if (snapshotIdOrNull != null && !snapshotIdOrNull.isBlank()) {
      command.add("--snapshot=" + snapshotIdOrNull);
    }
    if (!keepOwnership) {
      command.add("--no-owner");
      command.add("--no-privileges");
    }
    for (String schema : schemas) {
      command.add("--schema=" + exactPattern(schema));
    }
    for (String extension : extensions) {
      command.add("--extension=" + exactPattern(extension));
    }
    return command;
  }

  /**
   * Extensions that a dump of {@code schemas} must name with {@code -e}: those created by users
   * (not {@code plpgsql}, which every database has) whose schema is dumped or is {@code public}
   * (which every new database has). Others are {@link SchemaPreflight}'s business.
   */
  static List<String> extensionsToDump(Connection source, List<String> schemas) throws SQLException {
    List<String> names = new ArrayList<>();
    for (SchemaPreflight.SourceExtension e : SchemaPreflight.sourceExtensions(source)) {
      if (schemas.contains(e.schema()) || "public".equals(e.schema())) {
        names.add(e.name());
      }
    }
    return names;
  }

  /** The table of contents of an archive ({@code pg_restore -l}), in restore order. */
  public static List<TocEntry> toc(PgTools tools, Path archive) {
    return TocEntry.parseList(list(tools, archive, null));
  }

  /** {@code pg_restore -l [--section=…]}: the raw listing. */
  static String list(PgTools tools, Path archive, Section sectionOrNull) {
    Path out = null;
    try {
      out = Files.createTempFile("veil-toc-", ".list");
      List<String> command = new ArrayList<>(List.of(tools.pgRestore().toString(), "--list"));
      if (sectionOrNull != null) {
        command.add("--section=" + sectionOrNull.option());
      }
      command.add(archive.toString());
      ToolRun.run("pg_restore", command, null, out, Duration.ofMinutes(2), "listing the schema archive");
      return new String(Files.readAllBytes(out), StandardCharsets.UTF_8); // lenient: names in any encoding
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(out);
    }
  }

  /**
   * Restores one section of the archive into {@code database} on the target's server (the new
   * twin, not the connection's own database). {@code --exit-on-error}: the first error fails the
   * restore. Pre-data with one job runs in a single transaction; with {@code jobs > 1} pg_restore
   * runs that many sessions (it cannot combine them with one transaction).
   *
   * @param include which entries to restore; when it drops any, the rest go through a {@code -L}
   *     list file. Dropping an object also requires dropping what depends on it (its comments,
   *     constraints), else the restore fails.
   * @throws SchemaToolException with pg_restore's scrubbed stderr and exit code
   */
  public static void restore(
      PgTools tools,
      Path archive,
      ConnectionSettings target,
      String database,
      Section section,
      int jobs,
      Predicate<TocEntry> include,
      Duration timeout) {
    restore(tools, archive, target, database, section, jobs, include, false, timeout);
  }

  /** As the other {@code restore}; {@code keepOwnership} restores owners and grants. */
  public static void restore(
      PgTools tools,
      Path archive,
      ConnectionSettings target,
      String database,
      Section section,
      int jobs,
      Predicate<TocEntry> include,
      boolean keepOwnership,
      Duration timeout) {
    restore(tools, archive, null, target, database, section, jobs, include, keepOwnership, null,
        timeout);
  }

  /**
   * As the other {@code restore}, with the archive's table of contents when the caller listed it
   * already ({@code tocOrNull}), and server settings for pg_restore's sessions ({@code
   * settingsOrNull}, e.g. {@code maintenance_work_mem} for index builds), passed as {@code
   * PGOPTIONS}: a default that an {@code options} parameter of the connection still overrides.
   */
  public static void restore(
      PgTools tools,
      Path archive,
      List<TocEntry> tocOrNull,
      ConnectionSettings target,
      String database,
      Section section,
      int jobs,
      Predicate<TocEntry> include,
      boolean keepOwnership,
      java.util.Map<String, String> settingsOrNull,
      Duration timeout) {
    if (section == Section.DATA) {
      throw new IllegalArgumentException("the data section is Veil's copy, never pg_restore's");
    }
    Path listFile = null;
    try {
      if (include != null) {
        List<TocEntry> entries = tocOrNull != null ? tocOrNull : toc(tools, archive);
        List<TocEntry> kept = entries.stream().filter(include).toList();
        if (kept.size() < entries.size()) {
          listFile = Files.createTempFile("veil-restore-", ".list");
          Files.write(listFile, kept.stream().map(TocEntry::line).toList(), StandardCharsets.UTF_8);
        }
      }
      LibpqConnection connection = LibpqConnection.of(target, database, "veil-pg_restore")
          .withSettings(settingsOrNull);
      List<String> command =
          restoreCommand(tools, connection, archive, section, jobs, listFile, keepOwnership);
      ToolRun.run(
          "pg_restore", command, connection, null, timeout,
          "restoring the " + section.option() + " schema into database " + database);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(listFile);
    }
  }

  static List<String> restoreCommand(
      PgTools tools,
      LibpqConnection connection,
      Path archive,
      Section section,
      int jobs,
      Path listFileOrNull,
      boolean keepOwnership) {
    List<String> command = new ArrayList<>();
    command.add(tools.pgRestore().toString());
    command.add("--dbname=" + connection.connectionString());
    command.add("--section=" + section.option());
    command.add("--exit-on-error");
    command.add("--no-tablespaces");
    command.add("--no-security-labels");
    command.add("--no-subscriptions");
    command.add("--no-publications");
    if (!keepOwnership) {
      command.add("--no-owner");
      command.add("--no-privileges");
    }
    if (jobs > 1) {
      command.add("--jobs=" + jobs);
    } else {
      command.add("--single-transaction");
    }
    if (listFileOrNull != null) {
      command.add("--use-list=" + listFileOrNull);
    }
    command.add(archive.toString());
    return command;
  }

  /**
   * The materialized views of an archive as quoted qualified names ({@code "shop"."sales"}), in
   * archive order: pg_dump orders entries so that each comes after what it depends on, so
   * refreshing in this order refreshes a view's inputs before the view.
   */
  public static List<String> materializedViewsInOrder(List<TocEntry> entries) {
    return entries.stream()
        .filter(e -> "MATERIALIZED VIEW".equals(e.desc()))
        .map(e -> quoteIdent(e.schema()) + "." + quoteIdent(e.tag()))
        .toList();
  }

  /** A pg_dump pattern that matches exactly this name (pattern characters quoted). */
  static String exactPattern(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temporary list file; nothing secret in it
      }
    }
  }
}
