package dev.veil.activities.testing;

import java.util.List;

import dev.veil.activities.db.ConnectionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A source database holding {@link SampleSchema} and an empty target database, both fresh on the
 * test server: what every end-to-end run test starts from.
 */
public final class SampleDatabases implements AutoCloseable {

  private final ConnectionSettings source;
  private final ConnectionSettings target;

  private SampleDatabases(ConnectionSettings source, ConnectionSettings target) {
    this.source = source;
    this.target = target;
  }

  /** Creates {@code <prefix>_src} with {@code customers} sample customers and {@code <prefix>_tgt}. */
  public static SampleDatabases create(String prefix, int customers) throws SQLException {
    ConnectionSettings source = TestPostgres.createDatabase(prefix + "_src");
    ConnectionSettings target = TestPostgres.createDatabase(prefix + "_tgt");
    try (Connection c = TestPostgres.connect(source)) {
      SampleSchema.create(c, customers);
    }
    return new SampleDatabases(source, target);
  }

  public ConnectionSettings source() {
    return source;
  }

  public ConnectionSettings target() {
    return target;
  }

  /** No twin at all, as before a first run: the target's database is dropped. */
  public void resetTarget() throws SQLException {
    TestPostgres.dropDatabases(target.database());
  }

  /**
   * Databases on the test server made for the target's twin, besides the twin itself, once the
   * background drop of replaced twins is done ({@link TestPostgres#databasesAroundSettled}).
   */
  public List<String> leftovers() throws SQLException {
    return TestPostgres.databasesAroundSettled(target.database());
  }

  @Override
  public void close() {
    TestPostgres.dropDatabase(source);
    try {
      TestPostgres.dropDatabases(target.database());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
