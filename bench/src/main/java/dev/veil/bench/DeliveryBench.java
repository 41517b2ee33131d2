package dev.veil.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Data delivery against psql: the copy benchmark's table ({@code veil_bench_src.customers}, 2M
 * rows) delivered by a whole Veil pipeline run (plan, snapshot, chunks through the bench rules,
 * zstd Parquet parts in a local folder, manifest) on a worker JVM at {@code -Xmx256m}, against
 * {@code psql -c "\copy (SELECT * FROM customers) TO … CSV HEADER"} of the same table, in one run.
 * Runs alternate so the shared machine's spells weigh on both alike; the ratio is the median
 * pair's. Prints both file sizes.
 */
public final class DeliveryBench {

  private DeliveryBench() {}

  public static void main(String[] args) throws Exception {
    long rows = 2_000_000;
    boolean rebuild = false;
    boolean rules = true;
    String heap = "256m";
    int pairs = 2;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--rebuild" -> rebuild = true;
        case "--no-rules" -> rules = false;
        case "--worker-heap" -> heap = args[++i];
        case "--pairs" -> pairs = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: bench/run delivery [--rows 2000000] [--rebuild] [--no-rules]"
              + " [--worker-heap 256m] [--pairs 2]");
          System.exit(2);
        }
      }
    }
    String admin = System.getenv().getOrDefault("VEIL_PG_URL",
        "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    CopyBench.Pg pg = CopyBench.Pg.of(admin);
    System.out.printf(Locale.ROOT,
        "veil delivery benchmark: %,d rows, PostgreSQL %s, %d cores, rules %s%n", rows,
        pg.version(), Runtime.getRuntime().availableProcessors(), rules ? "on" : "off");
    CopyBench.ensureSource(pg, rows, rebuild);

    Path out = Files.createTempDirectory("veil-bench-delivery");
    Path csv = out.resolve("psql/customers.csv");
    Files.createDirectories(csv.getParent());
    String yaml = String.join("\n",
        "id: delivery",
        "maxActiveTasks: 2",
        "source: {connection: bench-source, schemas: [public]}",
        "target:",
        "  delivery: {to: '" + out.resolve("veil").toUri() + "', format: parquet,"
            + " compression: zstd, keep: 1}",
        "tables: {include: [public.customers], chunkRows: 500000}",
        CopyBench.rulesYaml(rules),
        "verify: {mode: \"off\"}",
        "");
    double[] veilSeconds = new double[pairs];
    double[] psqlSeconds = new double[pairs];
    double[] ratios = new double[pairs];
    long peak = 0;
    try (CopyBench.VeilSession veil = new CopyBench.VeilSession(pg, rows, heap,
        "veil_bench_src", "veil_bench_twin", Map.of("delivery", yaml))) {
      CopyBench.VeilRun cold = veil.run("delivery", rows);
      System.out.printf(Locale.ROOT, "veil delivery, cold (first run of a new worker): %.2f s%n",
          cold.seconds());
      for (int i = 0; i < pairs; i++) {
        CopyBench.VeilRun v = veil.run("delivery", rows);
        double p = psqlCsv(pg, csv);
        veilSeconds[i] = v.seconds();
        psqlSeconds[i] = p;
        ratios[i] = v.seconds() / p;
        peak = Math.max(peak, v.peakRssKib());
        System.out.printf(Locale.ROOT, "pair %d: veil parquet %.2f s, psql csv %.2f s%n", i + 1,
            v.seconds(), p);
        System.out.printf(Locale.ROOT, "  veil phases: %s%n", v.phases());
      }
    }
    long parquetBytes = bytesUnder(out.resolve("veil"), ".parquet");
    long csvBytes = Files.size(csv);
    System.out.printf(Locale.ROOT, "veil delivery (zstd parquet): median %.2f s, %,d bytes%n",
        CopyBench.median(veilSeconds), parquetBytes);
    System.out.printf(Locale.ROOT, "psql \\copy csv:               median %.2f s, %,d bytes%n",
        CopyBench.median(psqlSeconds), csvBytes);
    System.out.printf(Locale.ROOT, "veil worker peak RSS at -Xmx%s: %d MiB%n", heap, peak / 1024);
    System.out.printf(Locale.ROOT, "delivery/psql-csv time ratio: %.2f%n",
        CopyBench.median(ratios));
    System.out.printf(Locale.ROOT, "delivery/psql-csv size ratio: %.2f%n",
        (double) parquetBytes / csvBytes);
    try (Stream<Path> files = Files.walk(out)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** {@code psql -c "\copy (SELECT * FROM customers) TO 'file' CSV HEADER"}, timed end to end. */
  private static double psqlCsv(CopyBench.Pg pg, Path csv) throws Exception {
    Files.deleteIfExists(csv);
    CopyBench.checkpoint(pg);
    long t0 = System.nanoTime();
    CopyBench.sh(pg, "psql -X -q -d veil_bench_src -c \"\\copy (SELECT * FROM customers) TO '"
        + csv + "' WITH (FORMAT csv, HEADER)\"");
    return (System.nanoTime() - t0) / 1e9;
  }

  private static long bytesUnder(Path dir, String suffix) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(suffix)).mapToLong(p -> p.toFile().length())
          .sum();
    }
  }
}
