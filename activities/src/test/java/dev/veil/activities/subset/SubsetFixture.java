package dev.veil.activities.subset;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A small source whose subsets can be computed by hand: a chain customers → orders →
 * order_items → products → categories, a self-reference (employees.manager_id), a two-table
 * cycle (stores.manager_id ↔ staff.store_id), a composite key (shipments → order_items), a
 * polymorphic virtual key (comments.target_id → orders.id when target_type = 'order'), a
 * partitioned child (payments → orders) and a lookup table referenced by customers, categories
 * and stores.
 */
final class SubsetFixture {
  private SubsetFixture() {}

  static void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("""
          CREATE TABLE lookup (code text PRIMARY KEY);
          CREATE TABLE categories (id int PRIMARY KEY, code text NOT NULL REFERENCES lookup);
          CREATE TABLE products (id int PRIMARY KEY, category_id int REFERENCES categories);
          CREATE TABLE customers (id int PRIMARY KEY, name text, code text REFERENCES lookup);
          CREATE TABLE employees (id int PRIMARY KEY, manager_id int REFERENCES employees);
          CREATE TABLE stores (id int PRIMARY KEY, manager_id int, code text REFERENCES lookup);
          CREATE TABLE staff (id int PRIMARY KEY, store_id int NOT NULL REFERENCES stores);
          ALTER TABLE stores ADD CONSTRAINT stores_manager_id_fkey
            FOREIGN KEY (manager_id) REFERENCES staff;
          CREATE TABLE orders (id int PRIMARY KEY,
            customer_id int NOT NULL REFERENCES customers,
            employee_id int REFERENCES employees,
            store_id int REFERENCES stores);
          CREATE INDEX ON orders (customer_id);
          CREATE TABLE order_items (order_id int REFERENCES orders, line int,
            product_id int REFERENCES products, PRIMARY KEY (order_id, line));
          CREATE TABLE shipments (id int PRIMARY KEY, order_id int, line int,
            CONSTRAINT shipments_item_fkey FOREIGN KEY (order_id, line) REFERENCES order_items);
          CREATE TABLE payments (id int, order_id int NOT NULL REFERENCES orders,
            PRIMARY KEY (id)) PARTITION BY RANGE (id);
          CREATE TABLE payments_low PARTITION OF payments FOR VALUES FROM (0) TO (100);
          CREATE TABLE payments_high PARTITION OF payments FOR VALUES FROM (100) TO (1000);
          CREATE TABLE comments (id int PRIMARY KEY, target_type text, target_id int);

          INSERT INTO lookup VALUES ('a'), ('b'), ('c');
          INSERT INTO categories VALUES (1, 'a'), (2, 'a');
          INSERT INTO products VALUES (1, 1), (2, 2), (3, 2);
          INSERT INTO customers VALUES (1, 'Ann', 'a'), (2, 'Bob', 'b'), (3, 'Cy', 'c');
          INSERT INTO employees VALUES (1, NULL), (2, 1), (3, 2), (4, 1);
          INSERT INTO stores VALUES (1, NULL, 'a'), (2, NULL, 'b');
          INSERT INTO staff VALUES (10, 1), (11, 1), (20, 2);
          UPDATE stores SET manager_id = 10 WHERE id = 1;
          UPDATE stores SET manager_id = 20 WHERE id = 2;
          INSERT INTO orders VALUES (100, 1, 3, 1), (101, 1, 4, 1), (102, 2, 2, 2),
            (103, 3, NULL, 2), (104, 3, 1, 2);
          INSERT INTO order_items VALUES (100, 1, 1), (100, 2, 2), (101, 1, 1), (102, 1, 3),
            (103, 1, 3);
          INSERT INTO shipments VALUES (1, 100, 1), (2, 102, 1);
          INSERT INTO payments VALUES (1, 100), (150, 101), (151, 102);
          INSERT INTO comments VALUES (1, 'order', 100), (2, 'product', 2), (3, 'order', 102);
          ANALYZE;
          """);
    }
  }
}
