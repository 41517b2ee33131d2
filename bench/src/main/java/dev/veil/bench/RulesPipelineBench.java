package dev.veil.bench;

import java.util.List;
import java.util.Locale;

/**
 * The whole pipeline on the bench table with ten rules active against the same pipeline with
 * every column passed through, each a warm run (the second of a worker JVM), and their ratio.
 */
public final class RulesPipelineBench {

  static final String TEN_RULES = String.join("\n",
      "rules:",
      "  public.customers.email: {rule: email}",
      "  public.customers.first_name: {rule: first_name}",
      "  public.customers.last_name: {rule: last_name}",
      "  public.customers.phone: {rule: phone}",
      "  public.customers.street: {rule: street_address}",
      "  public.customers.city: {rule: city}",
      "  public.customers.zip: {rule: zip}",
      "  public.customers.birth_date: {rule: truncate_date, to: year}",
      "  public.customers.created_at: {rule: date_shift, days: 30}",
      "  public.customers.profile: {rule: json, \"$.tags\": scramble}");

  private RulesPipelineBench() {}

  public static void main(String[] args) throws Exception {
    long rows = 2_000_000;
    boolean rebuild = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--rebuild" -> rebuild = true;
        default -> {
          System.err.println("usage: bench/run pipeline-rules [--rows N] [--rebuild]");
          System.exit(2);
        }
      }
    }
    String admin = System.getenv().getOrDefault("VEIL_PG_URL",
        "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    CopyBench.Pg pg = CopyBench.Pg.of(admin);
    System.out.printf(Locale.ROOT, "veil rules pipeline benchmark: %,d rows, PostgreSQL %s, %d cores%n",
        rows, pg.version(), Runtime.getRuntime().availableProcessors());
    CopyBench.ensureSource(pg, rows, rebuild);
    pg.recreate("veil_bench_twin");
    double passthrough = warm(CopyBench.veilRuns(pg, rows, "256m", 2, 500_000, ""));
    System.out.printf(Locale.ROOT, "veil pipeline run, passthrough only: %6.2f s  (%,.0f rows/s)%n",
        passthrough, rows / passthrough);
    double ten = warm(CopyBench.veilRuns(pg, rows, "256m", 2, 500_000, TEN_RULES));
    System.out.printf(Locale.ROOT, "veil pipeline run, 10 rules active: %6.2f s  (%,.0f rows/s)%n",
        ten, rows / ten);
    System.out.printf(Locale.ROOT, "10 rules / passthrough time ratio: %.2f%n", ten / passthrough);
  }

  private static double warm(List<CopyBench.VeilRun> runs) {
    return runs.get(runs.size() - 1).seconds();
  }
}
