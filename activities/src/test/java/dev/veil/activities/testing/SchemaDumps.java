package dev.veil.activities.testing;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.schema.PgTools;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Text forms of a database's schema that two databases can be compared by: {@code pg_dump
 * --schema-only --no-owner --no-privileges} of the whole database, without Veil's own {@code
 * _veil} schema, comment lines, blank lines, {@code SET} and {@code set_config} noise, and the
 * {@code \restrict} lines (a random key per dump) of recent pg_dump releases.
 */
public final class SchemaDumps {

  private static final Pattern NOISE =
      Pattern.compile("^(--.*|SET .*|SELECT pg_catalog\\.set_config\\(.*|\\\\(un)?restrict .*|\\s*)$");

  private SchemaDumps() {}

  /** The database's schema as normalized text (one statement line per line). */
  public static String normalizedSchema(ConnectionSettings db) {
    PgTools tools = PgTools.locate(null);
    URI uri = URI.create(db.url().substring("jdbc:".length()));
    String database = uri.getPath().substring(1);
    List<String> command = new ArrayList<>(List.of(
        tools.pgDump().toString(),
        "--host=" + uri.getHost(),
        "--port=" + (uri.getPort() < 0 ? 5432 : uri.getPort()),
        "--username=" + db.user(),
        "--dbname=" + database,
        "--schema-only",
        "--no-owner",
        "--no-privileges",
        "--exclude-schema=_veil"));
    try {
      Path out = Files.createTempFile("veil-schema-", ".sql");
      try {
        ProcessBuilder pb = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectErrorStream(false)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
        if (db.password() != null) {
          pb.environment().put("PGPASSWORD", db.password());
        }
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
          p.destroyForcibly();
          throw new IllegalStateException("pg_dump of " + database + " failed");
        }
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
          if (!NOISE.matcher(line).matches()) {
            text.append(line).append('\n');
          }
        }
        return text.toString();
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run pg_dump", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The name of the database a test connection reaches. */
  public static String databaseOf(ConnectionSettings db) {
    String url = db.url().replaceAll("\\?.*", "");
    return url.substring(url.lastIndexOf('/') + 1);
  }

  /** A readable line diff of two texts (first differences only), for assertion messages. */
  public static String diff(String expected, String actual) {
    List<String> a = expected.lines().toList();
    List<String> b = actual.lines().toList();
    StringBuilder out = new StringBuilder();
    List<String> onlyA = new ArrayList<>(a);
    b.forEach(onlyA::remove);
    List<String> onlyB = new ArrayList<>(b);
    a.forEach(onlyB::remove);
    onlyA.stream().limit(40).forEach(l -> out.append("- ").append(l).append('\n'));
    onlyB.stream().limit(40).forEach(l -> out.append("+ ").append(l).append('\n'));
    if (onlyA.isEmpty() && onlyB.isEmpty()) {
      out.append("(same lines, different order)\n");
    }
    return out.toString();
  }
}
