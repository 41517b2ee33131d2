package dev.veil.activities.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.RichSchema;
import dev.veil.activities.testing.TestPostgres;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The extension check on real catalogs. The test server offers every contrib extension, so a
 * missing one is shown through a schema left out of the copy; {@code SchemaPreflightTest} covers
 * an extension the target does not offer.
 */
class SchemaPreflightIT {

  private static ConnectionSettings source;
  private static ConnectionSettings target;

  @BeforeAll
  static void create() {
    source = RichSchema.createSource("veil_pre_src");
    target = TestPostgres.createDatabase("veil_pre_tgt");
  }

  @AfterAll
  static void drop() {
    TestPostgres.dropDatabase(source);
    TestPostgres.dropDatabase(target);
  }

  @Test
  void theSourcesExtensionsAreReadWithVersionsAndWithoutPlpgsql() throws Exception {
    try (Connection s = TestPostgres.connect(source)) {
      List<String> names =
          SchemaPreflight.sourceExtensions(s).stream().map(SchemaPreflight.SourceExtension::name).toList();
      assertEquals(List.of("citext", "pgcrypto"), names);
      assertTrue(SchemaPreflight.sourceExtensions(s).stream().allMatch(e -> e.version() != null));
    }
  }

  @Test
  void aTargetServerThatOffersEveryExtensionHasNoProblems() throws Exception {
    try (Connection s = TestPostgres.connect(source);
        Connection t = TestPostgres.connect(target)) {
      assertEquals(List.of(), SchemaPreflight.missingExtensions(s, t, RichSchema.SCHEMAS));
      assertEquals(List.of(), SchemaPreflight.missingExtensions(s, t, List.of()));
    }
  }

  @Test
  void anExtensionInASchemaLeftOutOfTheCopyIsNamed() throws Exception {
    try (Connection s = TestPostgres.connect(source);
        Connection t = TestPostgres.connect(target)) {
      List<String> problems = SchemaPreflight.missingExtensions(s, t, List.of("crm"));
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(problems.get(0).startsWith("extension pgcrypto 1."), problems.get(0));
      assertTrue(problems.get(0).contains("lives in schema shop, which is not copied"), problems.get(0));
    }
  }

  @Test
  void theLocalPgDumpFitsTheTestServer() throws Exception {
    try (Connection s = TestPostgres.connect(source);
        Connection t = TestPostgres.connect(target)) {
      assertEquals(List.of(), SchemaPreflight.pgToolProblems(null, s, t));
      int serverVersion = SchemaPreflight.serverVersionNum(s);
      assertEquals(s.getMetaData().getDatabaseMajorVersion(), serverVersion / 10000);
      PgTools tools = PgTools.locate(null);
      assertEquals(1, tools.problemsFor((tools.majorVersion() + 1) * 10000).size());
    }
  }

  @Test
  void aConfiguredDirectoryWithoutAClientIsReportedAsAProblem() throws Exception {
    try (Connection s = TestPostgres.connect(source)) {
      List<String> problems = SchemaPreflight.pgToolProblems("/nonexistent/veil-bin", s, null);
      assertEquals(1, problems.size());
      assertTrue(problems.get(0).startsWith("postgres.binDir /nonexistent/veil-bin has no executable pg_dump"), problems.get(0));
      assertTrue(problems.get(0).contains("apt-get install postgresql-client"), problems.get(0));
    }
  }
}
