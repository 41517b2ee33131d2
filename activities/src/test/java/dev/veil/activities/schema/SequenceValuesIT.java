package dev.veil.activities.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.schema.SequenceValues.SequenceValue;
import dev.veil.activities.testing.RichSchema;
import dev.veil.activities.testing.SchemaDumps;
import dev.veil.activities.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sequence positions read from the source in a read-only snapshot and set in the twin. */
class SequenceValuesIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @TempDir Path dir;
  private ConnectionSettings source;
  private ConnectionSettings twin;

  @AfterEach
  void drop() {
    if (source != null) {
      TestPostgres.dropDatabase(source);
    }
    if (twin != null) {
      TestPostgres.dropDatabase(twin);
    }
  }

  private static long scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<SequenceValue> readInSnapshot(ConnectionSettings db) throws SQLException {
    try (Connection c = TestPostgres.connect(db)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      }
      List<SequenceValue> values = SequenceValues.read(c, RichSchema.SCHEMAS);
      c.rollback();
      return values;
    }
  }

  @Test
  void positionsReadUnderASnapshotAreSetInTheTwinAndNextvalContinues() throws Exception {
    source = RichSchema.createSource("veil_seq_src");
    try (Connection c = TestPostgres.connect(source);
        Statement s = c.createStatement()) {
      for (int i = 0; i < 5; i++) {
        s.execute("SELECT nextval('shop.invoice_no_seq')");
      }
      s.execute("CREATE SEQUENCE shop.unused_seq START 50");
      s.execute("CREATE SEQUENCE crm.\"Odd \"\"Name\"\"\" START 7");
      s.execute("SELECT nextval('crm.\"Odd \"\"Name\"\"\"')");
    }
    PgTools tools = PgTools.locate(null);
    Path archive = dir.resolve("seq.dump");
    SchemaArchive.dump(tools, source, RichSchema.SCHEMAS, null, false, archive, TIMEOUT);
    twin = TestPostgres.createDatabase("veil_seq_twin");
    SchemaArchive.restore(
        tools, archive, source, SchemaDumps.databaseOf(twin), Section.PRE_DATA, 1, null, TIMEOUT);

    List<SequenceValue> values = readInSnapshot(source);
    assertTrue(values.contains(new SequenceValue("shop", "invoice_no_seq", 1006, true)), values.toString());
    assertTrue(values.contains(new SequenceValue("shop", "unused_seq", 50, false)), values.toString());
    assertTrue(values.contains(new SequenceValue("crm", "Odd \"Name\"", 7, true)), values.toString());
    // identity and serial sequences are there too
    assertTrue(values.stream().anyMatch(v -> v.name().equals("customers_id_seq") && v.schema().equals("crm")));
    assertTrue(values.stream().anyMatch(v -> v.name().equals("orders_id_seq")));

    try (Connection t = TestPostgres.connect(twin)) {
      assertEquals(1000, scalar(t, "SELECT last_value FROM shop.invoice_no_seq")); // fresh, before apply
      SequenceValues.apply(t, values);
    }
    assertEquals(values, readInSnapshot(twin));
    try (Connection t = TestPostgres.connect(twin)) {
      assertEquals(1007, scalar(t, "SELECT nextval('shop.invoice_no_seq')"));
      assertEquals(50, scalar(t, "SELECT nextval('shop.unused_seq')"));
      assertEquals(8, scalar(t, "SELECT nextval('crm.\"Odd \"\"Name\"\"\"')"));
      // the identity column continues after the source's rows
      assertEquals(4, scalar(t, "INSERT INTO crm.customers (email, first_name, last_name)"
          + " VALUES ('new.person@example.com', 'New', 'Person') RETURNING id"));
    }
  }

  @Test
  void onlyTheNamedSchemasAreRead() throws Exception {
    source = RichSchema.createSource("veil_seq_only");
    try (Connection c = TestPostgres.connect(source)) {
      List<SequenceValue> crmOnly = SequenceValues.read(c, List.of("crm"));
      assertTrue(!crmOnly.isEmpty() && crmOnly.stream().allMatch(v -> v.schema().equals("crm")), crmOnly.toString());
      List<SequenceValue> all = SequenceValues.read(c, List.of());
      assertTrue(all.containsAll(crmOnly) && all.size() > crmOnly.size(), all.toString());
    }
  }
}
