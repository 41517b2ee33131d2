package dev.veil.activities.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.demo.DemoDatabase.DemoStats;
import dev.veil.activities.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DemoDatabaseTest {

  private static ConnectionSettings db;

  @BeforeAll
  static void createDatabase() {
    db = TestPostgres.createDatabase("demo_db");
  }

  @AfterAll
  static void dropDatabase() {
    TestPostgres.dropDatabase(db);
  }

  @Test
  void populatesConsistentTables() throws SQLException {
    try (Connection c = TestPostgres.connect(db)) {
      DemoStats stats = DemoDatabase.populate(c, 1_000, 2_500, 42);

      assertEquals(new DemoStats(1_000, 2_500), stats);
      assertEquals(1_000, count(c, "select count(*) from customers"));
      assertEquals(2_500, count(c, "select count(*) from orders"));
      assertEquals(1_000, count(c, "select count(distinct email) from customers"));
      assertEquals(
          0,
          count(
              c,
              "select count(*) from orders o left join customers c on c.id = o.customer_id"
                  + " where c.id is null or c.email <> o.customer_email"));
      long nullStreets = count(c, "select count(*) from customers where street is null");
      assertTrue(nullStreets > 10 && nullStreets < 100, "about 5% NULL streets: " + nullStreets);
      assertEquals(
          0,
          count(
              c,
              "select count(*) from customers where birth_date not between '1900-01-01' and"
                  + " current_date - interval '16 years' or email !~ '^[a-z0-9._]+@[a-z0-9.-]+$'"
                  + " or jsonb_typeof(preferences) <> 'object'"));
      assertEquals(
          0,
          count(
              c,
              "select count(*) from orders o join customers c on c.id = o.customer_id"
                  + " where o.ordered_at < c.created_at"));
      assertEquals(
          2,
          count(
              c,
              "select count(*) from pg_indexes where tablename = 'orders'"
                  + " and indexdef ~ '\\((customer_id|ordered_at)\\)'"));
      // Sequences continue after the loaded ids, and analyze ran.
      assertEquals(
          1_001,
          count(
              c,
              "insert into customers (first_name, last_name, email)"
                  + " values ('a', 'b', 'new@example.org') returning id"));
      assertEquals(
          2_501,
          count(
              c,
              "insert into orders (customer_id, customer_email, amount, status, ordered_at)"
                  + " values (1, 'x', 1, 'pending', now()) returning id"));
      assertEquals(
          1_000,
          count(c, "select reltuples::bigint from pg_class where relname = 'customers'"));
    }
  }

  @Test
  void sameSeedSameDataOtherSeedOtherData() throws SQLException {
    try (Connection c = TestPostgres.connect(db)) {
      DemoDatabase.populate(c, 300, 600, 7);
      String first = checksum(c);
      DemoDatabase.populate(c, 300, 600, 7);
      assertEquals(first, checksum(c), "same seed, same data");
      DemoDatabase.populate(c, 300, 600, 8);
      assertNotEquals(first, checksum(c), "other seed, other data");
    }
  }

  /** The size the demo command uses; must stay a matter of seconds (generous bound: shared CI). */
  @Test
  void fortyThousandCustomersInSeconds() throws SQLException {
    try (Connection c = TestPostgres.connect(db)) {
      long started = System.nanoTime();
      DemoDatabase.populate(c, 40_000, 80_000, 1);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      LoggerFactory.getLogger(DemoDatabaseTest.class)
          .info("40k + 80k rows in {} ms", took.toMillis());
      assertEquals(80_000, count(c, "select count(*) from orders"));
      assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "took " + took);
    }
  }

  private static String checksum(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select (select md5(string_agg(concat_ws('|', id, first_name, last_name, email,"
                    + " phone, street, city, zip, birth_date, created_at, preferences::text,"
                    + " loyalty_points), ',' order by id)) from customers)"
                    + " || (select md5(string_agg(concat_ws('|', id, customer_id, customer_email,"
                    + " amount, status, ordered_at, shipping_address), ',' order by id))"
                    + " from orders)")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
