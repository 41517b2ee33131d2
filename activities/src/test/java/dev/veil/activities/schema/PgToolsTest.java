package dev.veil.activities.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding pg_dump/pg_restore and judging their versions; the tools are small shell scripts. */
class PgToolsTest {

  @TempDir Path dir;

  private Path fakeClient(String name, String dumpVersion, String restoreVersion) throws IOException {
    Path bin = Files.createDirectories(dir.resolve(name));
    script(bin.resolve("pg_dump"), "pg_dump (PostgreSQL) " + dumpVersion);
    script(bin.resolve("pg_restore"), "pg_restore (PostgreSQL) " + restoreVersion);
    return bin;
  }

  private static void script(Path file, String versionLine) throws IOException {
    Files.writeString(file, "#!/bin/sh\necho '" + versionLine + "'\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void configuredDirectoryWinsOverEnvironmentAndPath() throws IOException {
    Path configured = fakeClient("configured", "17.2", "17.2");
    Path env = fakeClient("env", "16.4", "16.4");
    Path path = fakeClient("path", "15.20 (Debian 15.20-0+deb12u1)", "15.20");

    PgTools tools =
        PgTools.locate(configured.toString(), Map.of(PgTools.BIN_ENV, env.toString(), "PATH", path.toString()));
    assertEquals(configured.resolve("pg_dump"), tools.pgDump());
    assertEquals(configured.resolve("pg_restore"), tools.pgRestore());
    assertEquals(17, tools.majorVersion());

    assertEquals("16.4", PgTools.locate(null, Map.of(PgTools.BIN_ENV, env.toString(), "PATH", path.toString())).version());
    assertEquals("15.20", PgTools.locate(" ", Map.of("PATH", "/nonexistent:" + path)).version());
  }

  @Test
  void noClientAnywhereSaysHowToInstallOne() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> PgTools.locate(null, Map.of("PATH", dir.toString())));
    assertTrue(e.getMessage().contains("pg_dump was not found on PATH"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install postgresql-client"), e.getMessage());
    assertTrue(e.getMessage().contains("postgres.binDir") && e.getMessage().contains("VEIL_PG_BIN"), e.getMessage());
  }

  @Test
  void configuredDirectoryWithoutTheToolsIsAnErrorNotAFallback() throws IOException {
    Path path = fakeClient("path", "15.20", "15.20");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> PgTools.locate(dir.resolve("empty").toString(), Map.of("PATH", path.toString())));
    assertTrue(e.getMessage().startsWith("postgres.binDir " + dir.resolve("empty") + " has no executable pg_dump"), e.getMessage());
  }

  @Test
  void versionsAreParsedFromRealVersionLines() {
    assertEquals("15.20", PgTools.parseVersion("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"));
    assertEquals("17.2", PgTools.parseVersion("pg_dump (PostgreSQL) 17.2"));
    assertEquals("18", PgTools.parseVersion("pg_dump (PostgreSQL) 18beta1"));
    assertEquals("9.6.24", PgTools.parseVersion("pg_dump (PostgreSQL) 9.6.24"));
    assertEquals(9, PgTools.majorOf("9.6.24"));
    assertThrows(IllegalStateException.class, () -> PgTools.parseVersion("command not found"));
  }

  @Test
  void pgDumpOlderThanTheSourceIsAProblemNamingTheClientToInstall() throws IOException {
    PgTools tools = PgTools.locate(fakeClient("c", "15.20", "15.20").toString(), Map.of());
    assertEquals(List.of(), tools.problemsFor(150004));
    assertEquals(List.of(), tools.problemsFor(140010));
    List<String> problems = tools.problemsFor(170002);
    assertEquals(1, problems.size());
    assertTrue(
        problems.get(0).startsWith(
            "pg_dump 15.x is older than the source server (PostgreSQL 17): install postgresql-client-17 or set postgres.binDir"),
        problems.get(0));
  }

  @Test
  void mismatchedRestoreAndOlderTargetAreProblemsToo() throws IOException {
    PgTools tools = PgTools.locate(fakeClient("c", "17.2", "15.20").toString(), Map.of());
    assertTrue(tools.problemsFor(170002).get(0).startsWith("pg_restore 15.20 is older than pg_dump 17.2"));
    List<String> problems = tools.problemsFor(170002, 150004);
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith("the target server (PostgreSQL 15) is older than the source (PostgreSQL 17)")),
        problems.toString());
  }
}
