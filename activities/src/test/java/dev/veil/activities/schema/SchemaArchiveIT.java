package dev.veil.activities.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.RichSchema;
import dev.veil.activities.testing.SchemaDumps;
import dev.veil.activities.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema of the rich fixture through a real pg_dump archive into a new database on the same
 * server: pre-data, then post-data with two jobs, and the twin's schema is the source's.
 */
class SchemaArchiveIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String PASSWORD = "s3cret-Pa55word";

  @TempDir static Path dir;

  private static ConnectionSettings source;
  private static PgTools tools;
  private static Path archive;
  private final List<ConnectionSettings> twins = new ArrayList<>();

  @BeforeAll
  static void dumpTheFixture() {
    source = RichSchema.createSource("veil_schema_src");
    tools = PgTools.locate(null);
    archive = dir.resolve("rich.dump");
    SchemaArchive.dump(tools, source, RichSchema.SCHEMAS, null, false, archive, TIMEOUT);
  }

  @AfterAll
  static void dropSource() {
    TestPostgres.dropDatabase(source);
  }

  @AfterEach
  void dropTwins() {
    twins.forEach(TestPostgres::dropDatabase);
  }

  /** A new empty database: the twin the restore goes into. */
  private ConnectionSettings newTwin() {
    ConnectionSettings twin = TestPostgres.createDatabase("veil_schema_twin");
    twins.add(twin);
    return twin;
  }

  /** The target connection: the server's {@code postgres} database, not the twin itself. */
  private static ConnectionSettings targetServer(String password) {
    String url = source.url().replaceAll("/[^/?]+(\\?.*)?$", "/postgres");
    return new ConnectionSettings(url, source.user(), password, Map.of());
  }

  private static void restore(ConnectionSettings twin, Section section, int jobs) {
    SchemaArchive.restore(
        tools, archive, targetServer(null), SchemaDumps.databaseOf(twin), section, jobs, null, TIMEOUT);
  }

  private static long count(ConnectionSettings db, String sql) throws SQLException {
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void preDataThenPostDataWithTwoJobsGivesTheSourceSchemaExactly() {
    ConnectionSettings twin = newTwin();
    restore(twin, Section.PRE_DATA, 1);
    restore(twin, Section.POST_DATA, 2);

    String expected = SchemaDumps.normalizedSchema(source);
    String actual = SchemaDumps.normalizedSchema(twin);
    assertTrue(expected.contains("CREATE TABLE crm.customers") && expected.contains("CREATE TABLE shop.customers"));
    assertEquals(expected, actual, () -> "schemas differ:\n" + SchemaDumps.diff(expected, actual));
  }

  @Test
  void triggersIndexesPoliciesAndForeignKeysWaitForPostData() throws SQLException {
    ConnectionSettings twin = newTwin();
    restore(twin, Section.PRE_DATA, 1);
    String triggers = "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal";
    String policies = "SELECT count(*) FROM pg_policy";
    String foreignKeys = "SELECT count(*) FROM pg_constraint WHERE contype = 'f'";
    String indexes =
        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('shop', 'crm')";
    assertEquals(0, count(twin, triggers));
    assertEquals(0, count(twin, policies));
    assertEquals(0, count(twin, foreignKeys));
    assertEquals(0, count(twin, indexes));
    // the table exists and takes rows that the trigger would have changed
    assertEquals(1, count(twin, "SELECT count(*) FROM pg_class WHERE relname = 'customers' AND relnamespace = 'shop'::regnamespace"));

    restore(twin, Section.POST_DATA, 2);
    assertEquals(count(source, triggers), count(twin, triggers));
    assertEquals(2, count(twin, triggers));
    assertEquals(1, count(twin, policies));
    assertEquals(count(source, foreignKeys), count(twin, foreignKeys));
    assertEquals(count(source, indexes), count(twin, indexes));
  }

  @Test
  void schemaOnlyArchivesHoldNoMaterializedViewDataSoTheViewsAreRefreshedInOrder() throws SQLException {
    List<TocEntry> toc = SchemaArchive.toc(tools, archive);
    assertFalse(toc.stream().anyMatch(e -> e.desc().equals("MATERIALIZED VIEW DATA")));
    assertFalse(toc.stream().anyMatch(e -> e.desc().equals("SEQUENCE SET")));
    List<String> matviews = SchemaArchive.materializedViewsInOrder(toc);
    assertEquals(List.of("\"shop\".\"product_sales\"", "\"shop\".\"top_products\""), matviews);

    ConnectionSettings twin = newTwin();
    restore(twin, Section.PRE_DATA, 1);
    restore(twin, Section.POST_DATA, 2);
    String unpopulated = "SELECT count(*) FROM pg_matviews WHERE NOT ispopulated";
    assertEquals(2, count(twin, unpopulated));
    try (Connection c = TestPostgres.connect(twin);
        Statement s = c.createStatement()) {
      for (String view : matviews) {
        s.execute("REFRESH MATERIALIZED VIEW " + view);
      }
    }
    assertEquals(0, count(twin, unpopulated));
  }

  @Test
  void sectionsDerivedFromDescriptionsMatchPgRestoresOwn() {
    List<TocEntry> toc = SchemaArchive.toc(tools, archive);
    for (Section section : Section.values()) {
      Set<Integer> byPgRestore =
          TocEntry.parseList(SchemaArchive.list(tools, archive, section)).stream()
              .map(TocEntry::dumpId)
              .collect(Collectors.toSet());
      Set<Integer> ours =
          toc.stream()
              .filter(e -> e.section().equals(section.option()))
              .map(TocEntry::dumpId)
              .collect(Collectors.toSet());
      assertEquals(byPgRestore, ours, section.option());
    }
  }

  @Test
  void sectionsMatchPgRestoresOwnForGrantsDefaultPrivilegesStatisticsAndEventTriggers() throws Exception {
    ConnectionSettings db = TestPostgres.createDatabase("veil_schema_kinds");
    twins.add(db);
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (a int, b int)");
      s.execute("ALTER TABLE t ADD CONSTRAINT t_a_check CHECK (a > 0) NOT VALID");
      s.execute("COMMENT ON CONSTRAINT t_a_check ON t IS 'checked later'");
      s.execute("CREATE DOMAIN positive AS int");
      s.execute("ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0) NOT VALID");
      s.execute("CREATE STATISTICS t_ab (dependencies) ON a, b FROM t");
      s.execute("COMMENT ON STATISTICS t_ab IS 'a and b go together'");
      s.execute("GRANT SELECT ON t TO PUBLIC");
      s.execute("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC");
      s.execute("CREATE FUNCTION on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$");
      s.execute("CREATE EVENT TRIGGER veil_test_ddl ON ddl_command_end EXECUTE FUNCTION on_ddl()");
    }
    Path kinds = dir.resolve("kinds.dump");
    SchemaArchive.dump(tools, db, List.of(), null, true, kinds, TIMEOUT);
    List<TocEntry> toc = SchemaArchive.toc(tools, kinds);
    Set<String> descs = toc.stream().map(TocEntry::desc).collect(Collectors.toSet());
    assertTrue(
        descs.containsAll(Set.of("CHECK CONSTRAINT", "STATISTICS", "ACL", "DEFAULT ACL", "EVENT TRIGGER", "COMMENT")),
        descs.toString());
    for (Section section : Section.values()) {
      Set<Integer> byPgRestore =
          TocEntry.parseList(SchemaArchive.list(tools, kinds, section)).stream()
              .map(TocEntry::dumpId)
              .collect(Collectors.toSet());
      Set<Integer> ours =
          toc.stream().filter(e -> e.section().equals(section.option())).map(TocEntry::dumpId)
              .collect(Collectors.toSet());
      assertEquals(byPgRestore, ours, section.option() + " in " + toc);
    }
  }

  @Test
  void theListFilterLeavesOutAChosenForeignKey() throws SQLException {
    ConnectionSettings twin = newTwin();
    restore(twin, Section.PRE_DATA, 1);
    SchemaArchive.restore(
        tools, archive, targetServer(null), SchemaDumps.databaseOf(twin), Section.POST_DATA, 2,
        e -> !(e.desc().equals("FK CONSTRAINT") && e.tag().equals("order_lines order_lines_order_fk")),
        TIMEOUT);
    String fk = "SELECT count(*) FROM pg_constraint WHERE conname = '%s'";
    assertEquals(0, count(twin, fk.formatted("order_lines_order_fk")));
    assertEquals(1, count(twin, fk.formatted("order_lines_product_id_fkey")));
    // every other foreign key is there (the declared ones: a key to or from a partitioned table
    // also has one derived catalog row per partition)
    String names = "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0";
    assertEquals(count(source, names) - 1, count(twin, names));
  }

  @Test
  void aFailingRestoreSaysWhatFailedWithoutThePasswordAndLeavesNothingHalfDone() throws SQLException {
    ConnectionSettings twin = newTwin();
    try (Connection c = TestPostgres.connect(twin);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA shop");
      s.execute("CREATE TYPE shop.order_status AS ENUM ('conflicting')");
    }
    SchemaToolException e =
        assertThrows(
            SchemaToolException.class,
            () -> SchemaArchive.restore(
                tools, archive, targetServer(PASSWORD), SchemaDumps.databaseOf(twin), Section.PRE_DATA, 1,
                null, TIMEOUT));
    String message = e.getMessage();
    assertEquals(1, e.exitCode());
    assertTrue(
        message.startsWith(
            "pg_restore failed (exit code 1) while restoring the pre-data schema into database "
                + SchemaDumps.databaseOf(twin) + ": "),
        message);
    assertTrue(message.contains("already exists"), message);
    assertFalse(message.contains(PASSWORD), message);
    // one transaction: nothing of the archive stayed behind
    assertEquals(0, count(twin, "SELECT count(*) FROM pg_namespace WHERE nspname = 'crm'"));
  }

  @Test
  void aPostDataFailureOnLoadedRowsNamesTheConstraintButNoRowValue() throws SQLException {
    ConnectionSettings twin = newTwin();
    restore(twin, Section.PRE_DATA, 1);
    try (Connection c = TestPostgres.connect(twin);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO shop.products (sku, name, price) VALUES ('leaky-sku-4711', 'a', 1), ('leaky-sku-4711', 'b', 2)");
    }
    SchemaToolException e =
        assertThrows(SchemaToolException.class, () -> restore(twin, Section.POST_DATA, 2));
    assertTrue(e.getMessage().contains("products_sku_key"), e.getMessage());
    assertFalse(e.getMessage().contains("leaky-sku-4711"), e.getMessage());
  }

  @Test
  void aFailingDumpSaysWhyWithoutThePassword() {
    String url = source.url().replaceAll("/[^/?]+(\\?.*)?$", "/veil_no_such_database");
    ConnectionSettings missing =
        new ConnectionSettings(url + "?password=" + PASSWORD, source.user(), PASSWORD, Map.of());
    SchemaToolException e =
        assertThrows(
            SchemaToolException.class,
            () -> SchemaArchive.dump(tools, missing, List.of(), null, false, dir.resolve("x.dump"), TIMEOUT));
    assertTrue(e.getMessage().startsWith("pg_dump failed (exit code 1) while dumping the source schema: "), e.getMessage());
    assertTrue(e.getMessage().contains("database \"veil_no_such_database\" does not exist"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void aDumpUnderAnExportedSnapshotSeesTheSchemaAsOfTheSnapshot() throws Exception {
    ConnectionSettings db = TestPostgres.createDatabase("veil_schema_snap");
    twins.add(db);
    try (Connection holder = TestPostgres.connect(db);
        Connection writer = TestPostgres.connect(db);
        Statement h = holder.createStatement();
        Statement w = writer.createStatement()) {
      w.execute("CREATE TABLE before_snapshot (id int)");
      holder.setAutoCommit(false);
      h.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      String snapshot;
      try (ResultSet rs = h.executeQuery("SELECT pg_export_snapshot()")) {
        rs.next();
        snapshot = rs.getString(1);
      }
      w.execute("CREATE TABLE after_snapshot (id int)");

      Path underSnapshot = dir.resolve("snap.dump");
      SchemaArchive.dump(tools, db, List.of(), snapshot, false, underSnapshot, TIMEOUT);
      Set<String> tables = tables(underSnapshot);
      assertTrue(tables.contains("before_snapshot"), tables.toString());
      assertFalse(tables.contains("after_snapshot"), tables.toString());
      holder.rollback();
    }
    Path now = dir.resolve("now.dump");
    SchemaArchive.dump(tools, db, List.of(), null, false, now, TIMEOUT);
    assertTrue(tables(now).contains("after_snapshot"));
  }

  @Test
  void aDumpWritesNothingSoASourceThatRefusesWritesWorks() throws Exception {
    ConnectionSettings db = RichSchema.createSource("veil_schema_ro");
    twins.add(db);
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      // as on a hot standby, every transaction of a new session is read-only
      s.execute("ALTER DATABASE " + SchemaDumps.databaseOf(db) + " SET default_transaction_read_only = on");
    }
    Path readOnly = dir.resolve("ro.dump");
    SchemaArchive.dump(tools, db, RichSchema.SCHEMAS, null, false, readOnly, TIMEOUT);
    assertEquals(
        SchemaArchive.toc(tools, archive).stream().map(TocEntry::desc).sorted().toList(),
        SchemaArchive.toc(tools, readOnly).stream().map(TocEntry::desc).sorted().toList());
  }

  private static Set<String> tables(Path dump) {
    return SchemaArchive.toc(tools, dump).stream()
        .filter(e -> e.desc().equals("TABLE"))
        .map(TocEntry::tag)
        .collect(Collectors.toSet());
  }

  @Test
  void theArchiveIsWrittenWhereAsked() throws Exception {
    assertTrue(Files.size(archive) > 0);
    assertTrue(SchemaArchive.toc(tools, archive).stream().anyMatch(e -> e.desc().equals("EXTENSION") && e.tag().equals("pgcrypto")));
  }
}
