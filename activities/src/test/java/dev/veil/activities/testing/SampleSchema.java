package dev.veil.activities.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A small source schema that uses what the copy must reproduce: identity and serial keys, a
 * foreign key, unique and check constraints, plain and partial indexes, a generated column,
 * varchar(n), numeric, jsonb, NULLs, and the same e-mail addresses in two tables.
 */
public final class SampleSchema {

  private SampleSchema() {}

  public static void create(Connection c, int customers) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS orders, customers, audit_log CASCADE");
      s.execute(
          "CREATE TABLE customers ("
              + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
              + " email varchar(120) NOT NULL UNIQUE,"
              + " full_name text NOT NULL,"
              + " phone text,"
              + " note text,"
              + " tier varchar(10) NOT NULL DEFAULT 'basic' CHECK (tier IN ('basic','gold')),"
              + " profile jsonb,"
              + " name_length int GENERATED ALWAYS AS (length(full_name)) STORED)");
      s.execute(
          "CREATE TABLE orders ("
              + " id serial PRIMARY KEY,"
              + " customer_id bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,"
              + " customer_email varchar(120) NOT NULL,"
              + " amount numeric(10,2) NOT NULL CHECK (amount > 0),"
              + " placed_at timestamptz NOT NULL DEFAULT now())");
      s.execute("CREATE INDEX orders_customer_idx ON orders (customer_id)");
      s.execute("CREATE INDEX orders_big_idx ON orders (amount) WHERE amount > 500");
      s.execute("CREATE TABLE audit_log (id bigserial PRIMARY KEY, message text)");
      s.execute(
          "INSERT INTO customers (email, full_name, phone, note, tier, profile)"
              + " SELECT 'person' || g || '@mail.test', 'Person Number ' || g,"
              + " '+1-555-' || lpad(g::text, 6, '0'),"
              + " CASE WHEN g % 7 = 0 THEN NULL ELSE 'secret note ' || g END,"
              + " CASE WHEN g % 3 = 0 THEN 'gold' ELSE 'basic' END,"
              + " jsonb_build_object('n', g)"
              + " FROM generate_series(1, " + customers + ") g");
      s.execute(
          "INSERT INTO orders (customer_id, customer_email, amount)"
              + " SELECT c.id, c.email, (c.id % 900) + 1.25 FROM customers c, generate_series(1, 2)");
      s.execute("INSERT INTO audit_log (message) VALUES ('boot')");
      s.execute("ANALYZE customers");
      s.execute("ANALYZE orders");
    }
  }
}
