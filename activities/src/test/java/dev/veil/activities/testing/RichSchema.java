package dev.veil.activities.testing;

import dev.veil.activities.db.ConnectionSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The rich source fixture ({@code fixtures/rich-schema.sql}): schemas {@code shop} and {@code crm}
 * (both with a {@code customers} table) holding every kind of object issue #10 lists, a few rows
 * each. Loading it again into the same database gives the same result.
 */
public final class RichSchema {

  /** The schemas the fixture creates. */
  public static final List<String> SCHEMAS = List.of("shop", "crm");

  private static final String RESOURCE = "/fixtures/rich-schema.sql";

  private RichSchema() {}

  /** The fixture's SQL text. */
  public static String sql() {
    try (InputStream in = RichSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads the fixture into the database of {@code db} (as the test server's admin user). */
  public static void load(ConnectionSettings db) {
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute(sql()); // one simple-protocol batch; pgjdbc splits it, dollar quotes included
    } catch (SQLException e) {
      throw new IllegalStateException("cannot load the rich schema fixture: " + e.getMessage(), e);
    }
  }

  /** A new database with the fixture loaded. */
  public static ConnectionSettings createSource(String prefix) {
    ConnectionSettings db = TestPostgres.createDatabase(prefix);
    load(db);
    return db;
  }
}
