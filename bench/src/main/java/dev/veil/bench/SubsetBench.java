package dev.veil.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A subset of an orders schema (customers, orders, order_items) to 1% by a root condition on
 * customers, against a full Veil copy of the same database, in one run: both are whole pipeline
 * runs (plan, schema, copy, post-data with every foreign key, swap) on the same worker JVM at
 * {@code -Xmx256m}. Runs alternate so the shared machine's spells weigh on both alike; the ratio
 * is the median pair's.
 */
public final class SubsetBench {

  private static final String SOURCE = "veil_bench_orders_src";
  private static final String TWIN = "veil_bench_orders_twin";
  private static final String ROOT = "id % 100 = 0";

  private SubsetBench() {}

  public static void main(String[] args) throws Exception {
    long orders = 1_000_000;
    boolean rebuild = false;
    String heap = "256m";
    int pairs = 2;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> orders = Long.parseLong(args[++i]);
        case "--rebuild" -> rebuild = true;
        case "--worker-heap" -> heap = args[++i];
        case "--pairs" -> pairs = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: bench/run subset [--rows 1000000 (5000000 for the issue's"
              + " size)] [--rebuild] [--worker-heap 256m] [--pairs 2]");
          System.exit(2);
        }
      }
    }
    String admin = System.getenv().getOrDefault("VEIL_PG_URL",
        "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    CopyBench.Pg pg = CopyBench.Pg.of(admin);
    System.out.printf(Locale.ROOT, "veil subset benchmark: %,d orders, PostgreSQL %s, %d cores%n",
        orders, pg.version(), Runtime.getRuntime().availableProcessors());
    ensureSource(pg, orders, rebuild);
    pg.recreate(TWIN);
    long[] counts = counts(pg);
    long full = counts[0];
    long subset = counts[1];
    System.out.printf(Locale.ROOT, "full copy: %,d rows; subset (customers %s): %,d rows (%.2f%%)%n",
        full, ROOT, subset, 100.0 * subset / full);

    Map<String, String> pipelines = new LinkedHashMap<>();
    String common = String.join("\n",
        "maxActiveTasks: 2",
        "source: {connection: bench-source, schemas: [public]}",
        "target: {connection: bench-target}",
        "tables: {chunkRows: 500000}",
        "");
    pipelines.put("orders-full", "id: orders-full\n" + common);
    pipelines.put("orders-subset", "id: orders-subset\n" + common
        + "subset:\n  roots:\n    public.customers: \"" + ROOT + "\"\n");
    double[] fullSeconds = new double[pairs];
    double[] subsetSeconds = new double[pairs];
    double[] ratios = new double[pairs];
    long peak = 0;
    try (CopyBench.VeilSession veil =
        new CopyBench.VeilSession(pg, full, heap, SOURCE, TWIN, pipelines)) {
      CopyBench.VeilRun cold = veil.run("orders-subset", subset);
      System.out.printf(Locale.ROOT, "veil subset run, cold (first run of a new worker): %.2f s%n",
          cold.seconds());
      for (int i = 0; i < pairs; i++) {
        CopyBench.VeilRun f = veil.run("orders-full", full);
        CopyBench.VeilRun s = veil.run("orders-subset", subset);
        fullSeconds[i] = f.seconds();
        subsetSeconds[i] = s.seconds();
        ratios[i] = s.seconds() / f.seconds();
        peak = Math.max(peak, Math.max(f.peakRssKib(), s.peakRssKib()));
        System.out.printf(Locale.ROOT, "pair %d: full copy %.2f s, subset %.2f s%n", i + 1,
            f.seconds(), s.seconds());
        System.out.printf(Locale.ROOT, "  full phases: %s%n  subset phases: %s%n", f.phases(),
            s.phases());
      }
    }
    System.out.printf(Locale.ROOT, "veil subset run:  median %.2f s%n",
        CopyBench.median(subsetSeconds));
    System.out.printf(Locale.ROOT, "veil full copy:   median %.2f s%n",
        CopyBench.median(fullSeconds));
    System.out.printf(Locale.ROOT, "veil worker peak RSS at -Xmx%s: %d MiB%n", heap, peak / 1024);
    System.out.printf(Locale.ROOT, "veil/full copy time ratio: %.3f (rows ratio %.3f)%n",
        CopyBench.median(ratios), (double) subset / full);
  }

  /** Rows of a full copy, and of the subset (computed here with plain joins, as a check). */
  private static long[] counts(CopyBench.Pg pg) throws SQLException {
    try (Connection c = pg.connect(SOURCE);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders)"
                + " + (SELECT count(*) FROM order_items),"
                + " (SELECT count(*) FROM customers WHERE " + ROOT + ")"
                + " + (SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id"
                + "    WHERE c." + ROOT + ")"
                + " + (SELECT count(*) FROM order_items i JOIN orders o ON o.id = i.order_id"
                + "    JOIN customers c ON c.id = o.customer_id WHERE c." + ROOT + ")")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }

  /** customers (orders/10), orders, order_items (orders/2), with keys and foreign-key indexes. */
  private static void ensureSource(CopyBench.Pg pg, long orders, boolean rebuild)
      throws SQLException {
    if (!rebuild && pg.exists(SOURCE)) {
      try (Connection c = pg.connect(SOURCE);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
        if (rs.next() && rs.getLong(1) == orders) {
          return;
        }
      } catch (SQLException e) {
        // missing table: rebuild
      }
    }
    long t0 = System.nanoTime();
    pg.recreate(SOURCE);
    long customers = Math.max(1, orders / 10);
    try (Connection c = pg.connect(SOURCE);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL,"
          + " created_at timestamptz NOT NULL)");
      s.execute("CREATE TABLE orders (id bigint PRIMARY KEY,"
          + " customer_id bigint NOT NULL REFERENCES customers, total numeric(12,2) NOT NULL,"
          + " created_at timestamptz NOT NULL)");
      s.execute("CREATE TABLE order_items (id bigint PRIMARY KEY,"
          + " order_id bigint NOT NULL REFERENCES orders, sku text NOT NULL, qty int NOT NULL)");
      s.execute("INSERT INTO customers SELECT g, 'user' || g || '@mail.example',"
          + " timestamptz '2020-01-01' + g * interval '1 minute'"
          + " FROM generate_series(1, " + customers + ") g");
      s.execute("INSERT INTO orders SELECT g, (g::bigint * 7919) % " + customers + " + 1,"
          + " (g % 10000) / 100.0, timestamptz '2020-01-01' + g * interval '10 seconds'"
          + " FROM generate_series(1, " + orders + ") g");
      s.execute("INSERT INTO order_items SELECT g, g * 2, 'sku-' || (g % 5000), g % 7 + 1"
          + " FROM generate_series(1, " + orders / 2 + ") g");
      s.execute("CREATE INDEX ON orders (customer_id)");
      s.execute("CREATE INDEX ON order_items (order_id)");
      s.execute("VACUUM ANALYZE");
    }
    System.out.printf(Locale.ROOT, "built source in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }
}
