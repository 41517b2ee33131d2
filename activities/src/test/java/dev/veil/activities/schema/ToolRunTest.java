package dev.veil.activities.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running a tool: the password reaches it by its environment only, and never comes back out. */
class ToolRunTest {

  private static final String PASSWORD = "s3cret-Pa55word";

  @TempDir Path dir;

  private static LibpqConnection connection() {
    return LibpqConnection.of(
        new ConnectionSettings("jdbc:postgresql://db.example:6543/app", "veil", PASSWORD, Map.of()),
        null,
        "test");
  }

  @Test
  void passwordReachesTheToolThroughItsEnvironment() throws Exception {
    Path out = dir.resolve("out");
    ToolRun.run(
        "pg_dump",
        List.of("/bin/sh", "-c", "[ \"$PGPASSWORD\" = '" + PASSWORD + "' ] && echo match"),
        connection(), out, Duration.ofMinutes(1), "testing");
    assertEquals("match", Files.readString(out).strip());
  }

  @Test
  void inheritedLibpqVariablesDoNotReachTheTool() throws Exception {
    Path out = dir.resolve("out");
    ToolRun.run(
        "pg_dump",
        List.of("/bin/sh", "-c", "env | grep '^PG' | cut -d= -f1 | sort"),
        connection(), out, Duration.ofMinutes(1), "testing");
    assertEquals("PGPASSWORD", Files.readString(out).strip());
  }

  @Test
  void failureCarriesExitCodeAndScrubbedStderr() {
    SchemaToolException e =
        assertThrows(
            SchemaToolException.class,
            () -> ToolRun.run(
                "pg_restore",
                List.of("/bin/sh", "-c",
                    "echo \"pg_restore: error: could not connect: password $PGPASSWORD rejected\" >&2; exit 3"),
                connection(), null, Duration.ofMinutes(1), "restoring the pre-data schema into database x"));
    assertEquals(3, e.exitCode());
    assertFalse(e.timedOut());
    assertTrue(
        e.getMessage().startsWith(
            "pg_restore failed (exit code 3) while restoring the pre-data schema into database x: pg_restore: error: could not connect"),
        e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    assertTrue(e.getMessage().contains("***"), e.getMessage());
  }

  @Test
  void rowValuesInDetailLinesAreMaskedWhileObjectNamesStay() {
    String stderr =
        "pg_restore: error: could not execute query: ERROR:  could not create unique index \"customers_email_key\"\n"
            + "DETAIL:  Key (email)=(anna.schmidt@example.com) is duplicated.\n"
            + "Command was: ALTER TABLE ONLY shop.customers ADD CONSTRAINT customers_email_key UNIQUE (email);";
    String scrubbed = ToolRun.scrub(new dev.veil.activities.scrub.Scrubber(), stderr);
    assertFalse(scrubbed.contains("anna.schmidt"), scrubbed);
    assertTrue(scrubbed.contains("could not create unique index \"customers_email_key\""), scrubbed);
    assertTrue(scrubbed.contains("Command was: ALTER TABLE ONLY shop.customers ADD CONSTRAINT customers_email_key"), scrubbed);
  }

  @Test
  void aToolPastItsTimeoutIsKilledAndSaysSo() {
    Path marker = dir.resolve("finished");
    SchemaToolException e =
        assertThrows(
            SchemaToolException.class,
            () -> ToolRun.run(
                "pg_dump",
                List.of("/bin/sh", "-c", "sleep 60; touch " + marker),
                null, null, Duration.ofMillis(300), "dumping"));
    assertTrue(e.timedOut());
    assertEquals(-1, e.exitCode());
    assertTrue(e.getMessage().startsWith("pg_dump did not finish within PT0.3S while dumping and was killed"), e.getMessage());
    assertFalse(Files.exists(marker));
  }

  @Test
  void aMissingExecutableFailsClearly() {
    SchemaToolException e =
        assertThrows(
            SchemaToolException.class,
            () -> ToolRun.run("pg_dump", List.of(dir.resolve("nope").toString()), null, null, Duration.ofSeconds(5), "dumping"));
    assertTrue(e.getMessage().startsWith("cannot run pg_dump while dumping"), e.getMessage());
  }
}
