package dev.veil.activities.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pgjdbc settings in libpq form, and the command lines built from them (never a password). */
class LibpqConnectionTest {

  private static final String PASSWORD = "s3cret-Pa55word";
  private static final PgTools TOOLS =
      new PgTools(Path.of("/usr/bin/pg_dump"), Path.of("/usr/bin/pg_restore"), "17.2", "17.2");

  @Test
  void urlAndPropertiesBecomeAConnectionStringWithoutThePassword() {
    ConnectionSettings settings =
        new ConnectionSettings(
            "jdbc:postgresql://db1.example:6543,db2.example/shop%20db?sslmode=verify-full&targetServerType=secondary&password=" + PASSWORD,
            "veil",
            null,
            Map.of("sslrootcert", "/etc/ssl/root.crt", "connectTimeout", "5", "prepareThreshold", "0"));
    LibpqConnection c = LibpqConnection.of(settings, null, "veil-pg_dump");
    String conninfo = c.connectionString();
    assertTrue(
        conninfo.startsWith("host='db1.example,db2.example' port='6543,5432' dbname='shop db' user='veil'"),
        conninfo);
    for (String expected :
        List.of("sslrootcert='/etc/ssl/root.crt'", "connect_timeout='5'", "sslmode='verify-full'",
            "target_session_attrs='standby'", "application_name='veil-pg_dump'")) {
      assertTrue(conninfo.contains(expected), conninfo);
    }
    assertFalse(conninfo.contains("prepareThreshold") || conninfo.contains("password"), conninfo);
    assertEquals(PASSWORD, c.password());
    assertFalse(c.connectionString().contains(PASSWORD));
  }

  @Test
  void anotherDatabaseOnTheSameServerReplacesTheUrlsOne() {
    LibpqConnection c =
        LibpqConnection.of(
            new ConnectionSettings("jdbc:postgresql://[::1]:5433/postgres?ssl=true", "o'brien", "pw-long-enough", Map.of()),
            "veil_new_twin",
            "veil-pg_restore");
    assertTrue(c.connectionString().startsWith("host='::1' port='5433' dbname='veil_new_twin' user='o\\'brien'"), c.connectionString());
    assertTrue(c.connectionString().contains("sslmode='verify-full'"), c.connectionString());
  }

  @Test
  void environmentGetsThePasswordAndLosesInheritedLibpqSettings() {
    Map<String, String> env = new HashMap<>(Map.of("PGSERVICE", "prod", "PGOPTIONS", "-c x=y", "HOME", "/home/veil"));
    LibpqConnection.of(new ConnectionSettings("jdbc:postgresql://h/db", "u", PASSWORD, Map.of()), null, "a")
        .applyTo(env);
    assertEquals(Map.of("PGPASSWORD", PASSWORD, "HOME", "/home/veil"), env);

    Map<String, String> noPassword = new HashMap<>();
    LibpqConnection.of(new ConnectionSettings("jdbc:postgresql://h/db", "u", null, Map.of()), null, "a")
        .applyTo(noPassword);
    assertNull(noPassword.get("PGPASSWORD"));
  }

  @Test
  void serverSettingsGoToPgoptionsAndOnlyPlainOnesAreAccepted() {
    LibpqConnection c =
        LibpqConnection.of(new ConnectionSettings("jdbc:postgresql://h/db", "u", null, Map.of()), null, "a")
            .withSettings(Map.of("maintenance_work_mem", "128MB", "synchronous_commit", "off"));
    Map<String, String> env = new HashMap<>(Map.of("PGOPTIONS", "-c inherited=1"));
    c.applyTo(env);
    assertEquals("-c maintenance_work_mem=128MB -c synchronous_commit=off", env.get("PGOPTIONS"));
    assertThrows(IllegalArgumentException.class,
        () -> c.withSettings(Map.of("work_mem", "1MB -c statement_timeout=1")));
  }

  @Test
  void noCommandLineCarriesThePassword() {
    LibpqConnection c =
        LibpqConnection.of(
            new ConnectionSettings("jdbc:postgresql://h:5432/src?password=" + PASSWORD, "u", PASSWORD, Map.of("password", PASSWORD)),
            null,
            "veil-pg_dump");
    List<String> dump =
        SchemaArchive.dumpCommand(
            TOOLS, c, List.of("shop", "crm"), List.of("citext"), "00000003-0000001B-1", false,
            Path.of("/tmp/a.dump"), Duration.ofMinutes(5));
    List<String> restore =
        SchemaArchive.restoreCommand(TOOLS, c, Path.of("/tmp/a.dump"), Section.POST_DATA, 2, Path.of("/tmp/l"), false);
    for (String arg : dump) {
      assertFalse(arg.contains(PASSWORD), arg);
    }
    for (String arg : restore) {
      assertFalse(arg.contains(PASSWORD), arg);
    }
    assertTrue(dump.containsAll(List.of(
        "--format=custom", "--schema-only", "--snapshot=00000003-0000001B-1", "--no-owner", "--no-privileges",
        "--schema=\"shop\"", "--schema=\"crm\"", "--extension=\"citext\"", "--file=/tmp/a.dump")), dump.toString());
    assertTrue(restore.containsAll(List.of(
        "--section=post-data", "--exit-on-error", "--jobs=2", "--use-list=/tmp/l", "--no-owner", "--no-privileges")), restore.toString());
    assertFalse(restore.contains("--single-transaction"));
  }

  @Test
  void preDataWithOneJobRunsInOneTransactionAndKeepOwnershipKeepsOwners() {
    LibpqConnection c = LibpqConnection.of(new ConnectionSettings("jdbc:postgresql://h/db", "u", null, Map.of()), "t", "a");
    List<String> restore = SchemaArchive.restoreCommand(TOOLS, c, Path.of("/a"), Section.PRE_DATA, 1, null, true);
    assertTrue(restore.contains("--single-transaction"));
    assertFalse(restore.contains("--no-owner"));
    assertFalse(restore.contains("--no-privileges"));
    assertFalse(restore.stream().anyMatch(a -> a.startsWith("--use-list")));
  }
}
