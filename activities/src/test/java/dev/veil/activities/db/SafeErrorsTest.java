package dev.veil.activities.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** PostgreSQL quotes offending values in its errors; what Veil reports must not. */
class SafeErrorsTest {

  @Test
  void valuesQuotedByTheServerAreRemoved() throws Exception {
    ConnectionSettings db = TestPostgres.createDatabase("veil_errors");
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (email text UNIQUE, n int)");
      s.execute("INSERT INTO t VALUES ('jane@secret.example', 1)");
      SQLException unique = null;
      try {
        s.execute("INSERT INTO t VALUES ('jane@secret.example', 2)");
      } catch (SQLException e) {
        unique = e;
      }
      String message = SafeErrors.describe(unique);
      assertTrue(message.contains("t_email_key") && message.contains("23505"), message);
      assertFalse(message.contains("jane@secret.example"), message);

      SQLException cast = null;
      try {
        s.execute("SELECT 'jane@secret.example'::int");
      } catch (SQLException e) {
        cast = e;
      }
      String castMessage = SafeErrors.describe(cast);
      assertEquals("invalid input syntax for type integer (SQLSTATE 22P02)", castMessage);
      assertFalse(SafeErrors.retryable(cast));
    } finally {
      TestPostgres.dropDatabase(db);
    }
  }
}
