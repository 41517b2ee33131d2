package dev.veil.activities.demo;

import java.sql.Connection;

/** STUB — to be implemented: generates the demo source schema with Datafaker. */
public final class DemoDatabase {
  private DemoDatabase() {}

  /**
   * Creates {@code customers} and {@code orders} (orders reference customers) in the {@code public}
   * schema of the connected database and fills them with realistic fake PII.
   */
  public static DemoStats populate(Connection connection, int customers, int orders, long seed) {
    throw new UnsupportedOperationException("stub");
  }

  /** Rows written per table. */
  public record DemoStats(long customers, long orders) {}
}
