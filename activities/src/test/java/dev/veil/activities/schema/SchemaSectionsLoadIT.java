package dev.veil.activities.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.RichSchema;
import dev.veil.activities.testing.SchemaDumps;
import dev.veil.activities.testing.TestPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The order a run uses, on the rich fixture: pre-data, rows loaded by plain COPY (standing in for
 * Veil's engine), post-data, sequences, materialized views refreshed. Rows keep their values
 * (no trigger fired on them), and the twin works afterwards.
 */
class SchemaSectionsLoadIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  @TempDir Path dir;
  private final List<ConnectionSettings> databases = new ArrayList<>();

  @AfterEach
  void drop() {
    databases.forEach(TestPostgres::dropDatabase);
  }

  @Test
  void rowsLoadedBetweenPreAndPostDataKeepTheirValuesAndTheTwinWorksAfterwards() throws Exception {
    ConnectionSettings source = RichSchema.createSource("veil_load_src");
    databases.add(source);
    ConnectionSettings twin = TestPostgres.createDatabase("veil_load_twin");
    databases.add(twin);
    PgTools tools = PgTools.locate(null);
    Path archive = dir.resolve("load.dump");
    String twinName = SchemaDumps.databaseOf(twin);

    SchemaArchive.dump(tools, source, RichSchema.SCHEMAS, null, false, archive, TIMEOUT);
    SchemaArchive.restore(tools, archive, source, twinName, Section.PRE_DATA, 1, null, TIMEOUT);
    List<String> tables;
    try (Connection from = TestPostgres.connect(source);
        Connection to = TestPostgres.connect(twin)) {
      tables = leafTables(from);
      for (String table : tables) {
        copy(from, to, table);
      }
    }
    SchemaArchive.restore(tools, archive, source, twinName, Section.POST_DATA, 2, null, TIMEOUT);
    try (Connection from = TestPostgres.connect(source);
        Connection to = TestPostgres.connect(twin);
        Statement s = to.createStatement()) {
      SequenceValues.apply(to, SequenceValues.read(from, RichSchema.SCHEMAS));
      for (String view : SchemaArchive.materializedViewsInOrder(SchemaArchive.toc(tools, archive))) {
        s.execute("REFRESH MATERIALIZED VIEW " + view);
      }
    }

    assertTrue(tables.size() >= 12, tables.toString());
    for (String table : tables) {
      String all = "SELECT * FROM ONLY " + table + " ORDER BY 1";
      assertEquals(rows(source, all), rows(twin, all), table);
    }
    // the triggers did not fire on loaded rows
    assertEquals(rows(source, "SELECT id, revision FROM shop.customers ORDER BY id"),
        rows(twin, "SELECT id, revision FROM shop.customers ORDER BY id"));
    assertEquals(List.of("1"), rows(twin, "SELECT count(*) FROM shop.order_audit"));
    // generated columns recomputed, materialized views hold the loaded rows
    assertEquals(rows(source, "SELECT email_domain FROM shop.customers ORDER BY id"),
        rows(twin, "SELECT email_domain FROM shop.customers ORDER BY id"));
    assertEquals(rows(source, "SELECT * FROM shop.top_products ORDER BY 1"),
        rows(twin, "SELECT * FROM shop.top_products ORDER BY 1"));
    // every sequence default hands out a new value, and the triggers work again
    try (Connection t = TestPostgres.connect(twin);
        Statement s = t.createStatement()) {
      s.execute("INSERT INTO shop.customers (email, full_name) VALUES ('new.buyer@example.com', 'New Buyer')");
      s.execute("INSERT INTO shop.products (sku, name, price) VALUES ('SKU-4', 'Fork', 2.00)");
      s.execute("INSERT INTO shop.orders (customer_id, placed_at) VALUES (4, '2024-06-01')");
      s.execute("INSERT INTO shop.invoices (customer_id, amount) VALUES (3, 1.00)");
      s.execute("INSERT INTO crm.customers (email, first_name, last_name) VALUES ('x.y@example.com', 'X', 'Y')");
      s.execute("INSERT INTO crm.contacts (customer_id) VALUES (4)");
      s.execute("INSERT INTO crm.notes (customer_id, body) VALUES (4, 'new')");
    }
    assertEquals(List.of("4|1"), rows(twin, "SELECT id, revision FROM shop.customers WHERE id = 4"));
    assertEquals(List.of("2"), rows(twin, "SELECT count(*) FROM shop.order_audit"));
    assertEquals(List.of("1002"), rows(twin, "SELECT max(invoice_no) FROM shop.invoices"));
  }

  /** Tables that hold rows: plain tables and partitions, not partitioned parents. */
  private static List<String> leafTables(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind = 'r' AND n.nspname IN ('shop', 'crm') ORDER BY 1")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }

  /** COPY of one table's stored columns (generated ones are recomputed by the twin). */
  private static void copy(Connection from, Connection to, String table) throws Exception {
    List<String> columns = new ArrayList<>();
    try (Statement s = from.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = '" + table + "'::regclass"
                + " AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum")) {
      while (rs.next()) {
        columns.add(rs.getString(1));
      }
    }
    String list = String.join(", ", columns);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CopyManager source = from.unwrap(PGConnection.class).getCopyAPI();
    source.copyOut("COPY (SELECT " + list + " FROM ONLY " + table + ") TO STDOUT (FORMAT binary)", out);
    CopyManager twin = to.unwrap(PGConnection.class).getCopyAPI();
    twin.copyIn("COPY " + table + " (" + list + ") FROM STDIN (FORMAT binary)",
        new ByteArrayInputStream(out.toByteArray()));
  }

  private static List<String> rows(ConnectionSettings db, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
