package dev.veil.bench;

import dev.veil.workflows.Veil;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.RunSummary;
import io.temporal.client.WorkflowClient;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import com.google.protobuf.util.Timestamps;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Veil's redacted copy of a customers-style table against a raw {@code COPY … TO STDOUT | COPY …
 * FROM STDIN} of the same table, in one run. The raw pipes load a table without keys; Veil's time
 * is the whole pipeline run: plan, staging, copy with the email and hash rules on, primary key,
 * swap. The worker runs in its own JVM at {@code -Xmx256m}; its peak resident memory is reported.
 */
public final class CopyBench {

  static final String COLUMNS =
      "id bigint, email text NOT NULL, first_name text NOT NULL, last_name text NOT NULL,"
          + " phone text, street text, city text, zip text, birth_date date,"
          + " created_at timestamptz NOT NULL, profile jsonb";

  /** gRPC's shutdown chatter about the worker's cancelled long polls; held so it stays set. */
  private static final java.util.logging.Logger GRPC = java.util.logging.Logger.getLogger("io.grpc");

  /**
   * The first part of every database name this bench creates ({@code --db-prefix}, default
   * {@code veil_bench}): two benches on one server must not drop each other's databases.
   */
  static String dbPrefix = "veil_bench";

  private CopyBench() {}

  static String db(String suffix) {
    return dbPrefix + "_" + suffix;
  }

  public static void main(String[] args) throws Exception {
    long rows = 2_000_000;
    boolean rebuild = false;
    String workerHeap = "256m";
    int maxActive = 2;
    long chunkRows = 500_000;
    boolean rules = true;
    boolean veilOnly = false;
    int richScale = 10;
    boolean verify = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--rebuild" -> rebuild = true;
        case "--worker-heap" -> workerHeap = args[++i];
        case "--max-active" -> maxActive = Integer.parseInt(args[++i]);
        case "--chunk-rows" -> chunkRows = Long.parseLong(args[++i]);
        case "--no-rules" -> rules = false;
        case "--veil-only" -> veilOnly = true;
        case "--rich-scale" -> richScale = Integer.parseInt(args[++i]);
        case "--verify" -> verify = true;
        case "--no-verify" -> verify = false;
        case "--db-prefix" -> dbPrefix = args[++i];
        default -> {
          System.err.println("usage: bench/run copy [--rows N] [--rebuild] [--worker-heap 256m]"
              + " [--max-active 2] [--chunk-rows 500000] [--no-rules] [--veil-only] [--rich-scale 10]"
              + " [--no-verify] [--db-prefix veil_bench]");
          System.exit(2);
        }
      }
    }
    GRPC.setLevel(java.util.logging.Level.WARNING);
    String admin = System.getenv().getOrDefault("VEIL_PG_URL",
        "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    Pg pg = Pg.of(admin);
    System.out.printf(Locale.ROOT, "veil copy benchmark: %,d rows, PostgreSQL %s, %d cores%n", rows,
        pg.version(), Runtime.getRuntime().availableProcessors());

    ensureSource(pg, rows, rebuild);
    pg.recreate(db("raw"));
    pg.recreate(db("twin"));

    // Raw pipes and warm Veil runs alternate, so that a slower or faster spell of this (shared,
    // virtual) machine weighs on both sides alike; each pair's ratio is reported and the final
    // line is the median pair's.
    int pairs = 3;
    double[] raw = new double[pairs];
    double[] rawCpu = new double[pairs];
    VeilRun[] warm = new VeilRun[pairs];
    double[] ratios = new double[pairs];
    VeilRun cold;
    try (VeilSession veil =
        new VeilSession(pg, rows, workerHeap, maxActive, chunkRows,
            rulesYaml(rules) + "\nverify: {mode: \"off\"}")) {
      cold = veil.run();
      report("veil pipeline run, cold (first run of a new worker)", cold, rows);
      for (int i = 0; i < pairs; i++) {
        if (!veilOnly) {
          double cpu0 = pg.backendCpuSeconds();
          raw[i] = psqlPipe(pg, "binary");
          rawCpu[i] = pg.backendCpuSeconds() - cpu0;
          System.out.printf(Locale.ROOT,
              "raw COPY|COPY binary (psql pipe), pair %d:  %6.2f s  (%,.0f rows/s%s)%n", i + 1,
              raw[i], rows / raw[i], backendCpu(rawCpu[i]));
        }
        warm[i] = veil.run();
        report("veil pipeline run, warm, pair " + (i + 1), warm[i], rows);
        if (!veilOnly) {
          ratios[i] = warm[i].seconds() / raw[i];
        }
      }
    }
    double[] warmSeconds = java.util.Arrays.stream(warm).mapToDouble(VeilRun::seconds).toArray();
    System.out.printf(Locale.ROOT, "veil worker peak RSS at -Xmx%s: %d MiB%n", workerHeap,
        java.util.Arrays.stream(warm).mapToLong(VeilRun::peakRssKib).max().orElse(0) / 1024);
    System.out.printf(Locale.ROOT, "veil pipeline run, warm:  median %.2f s of %s%n",
        median(warmSeconds), list(warmSeconds));
    if (verify) {
      verifyOverhead(pg, rows, workerHeap, maxActive, chunkRows, rules);
    }
    if (veilOnly) {
      return;
    }
    double rawText = psqlPipe(pg, "text");
    double javaBinary = javaPipe(pg);
    System.out.printf(Locale.ROOT, "raw COPY|COPY binary (psql pipe): median %.2f s of %s%n",
        median(raw), list(raw));
    System.out.printf(Locale.ROOT, "raw COPY|COPY text   (psql pipe):  %6.2f s%n", rawText);
    System.out.printf(Locale.ROOT, "raw COPY->COPY binary (pgjdbc)  :  %6.2f s%n", javaBinary);
    System.out.printf(Locale.ROOT, "veil/raw time ratio, cold run: %.2f%n",
        cold.seconds() / median(raw));
    System.out.printf(Locale.ROOT, "veil/raw time ratio of each pair: %s%n", list(ratios));
    System.out.printf(Locale.ROOT, "veil/raw time ratio: %.2f%n", median(ratios));
    if (richScale > 0) {
      richSchema(pg, richScale, workerHeap);
    }
  }

  /**
   * The second line: a rich schema (the demo shop made {@code scale} times bigger: customers,
   * orders, keys, indexes, a foreign key) copied by Veil with the demo's rules against {@code
   * pg_dump -Fc} then {@code pg_restore -j 2} of the same database — what a team would do without
   * masking. Pairs alternate as above; the median pair's ratio is the last line.
   */
  private static void richSchema(Pg pg, int scale, String workerHeap) throws Exception {
    int customers = 40_000 * scale;
    int orders = 80_000 * scale;
    if (!pg.exists(db("rich"))) {
      pg.recreate(db("rich"));
      try (Connection c = pg.connect(db("rich"))) {
        dev.veil.activities.demo.DemoDatabase.populate(c, customers, orders, 42);
      }
    }
    pg.recreate(db("rich_twin"));
    String demo = Files.readString(Path.of("pipelines/demo.yaml"));
    String yaml = String.join("\n", "id: bench", "source: {connection: bench-source, schemas: [public]}",
        "target: {connection: bench-target}", "maxActiveTasks: 2",
        demo.substring(demo.indexOf("tables:")));
    System.out.printf(Locale.ROOT, "rich schema: the demo database x%d (%,d customers, %,d orders)%n",
        scale, customers, orders);
    int pairs = 3;
    double[] dumps = new double[pairs];
    double[] veils = new double[pairs];
    double[] ratios = new double[pairs];
    try (VeilSession veil =
        new VeilSession(pg, -1, workerHeap, db("rich"), db("rich_twin"),
            Map.of("bench", yaml))) {
      veil.run(); // warm the worker
      for (int i = 0; i < pairs; i++) {
        dumps[i] = dumpRestore(pg);
        VeilRun run = veil.run();
        veils[i] = run.seconds();
        ratios[i] = veils[i] / dumps[i];
        System.out.printf(Locale.ROOT,
            "pg_dump -Fc + pg_restore -j 2, pair %d: %6.2f s; veil run: %6.2f s (phases: %s)%n",
            i + 1, dumps[i], veils[i], run.phases());
      }
    }
    System.out.printf(Locale.ROOT, "veil/pg_dump+restore time ratio of each pair: %s%n",
        list(ratios));
    System.out.printf(Locale.ROOT, "veil/pg_dump+restore time ratio: %.2f%n", median(ratios));
  }

  /** pg_dump -Fc of the rich database to a file, then pg_restore -j 2 into a fresh database. */
  private static double dumpRestore(Pg pg) throws Exception {
    pg.recreate(db("rich_restore"));
    checkpoint(pg);
    Path file = Files.createTempFile("veil-bench-", ".dump");
    try {
      long t0 = System.nanoTime();
      sh(pg, "pg_dump -Fc -d " + db("rich") + " -f " + file);
      sh(pg, "pg_restore -j 2 -d " + db("rich_restore") + " " + file);
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * The leak check's cost: one worker serving the bench pipeline twice, without the check and
   * with it ({@code verify: {mode: warn, sample: 100}}; warn because the bench passes names and
   * streets through on purpose, which the check reports), each warmed up once, then three pairs
   * run back to back (this VM's speed drifts from one minute to the next: a pair shares its
   * minute). The ratio is the median pair's.
   */
  private static void verifyOverhead(Pg pg, long rows, String heap, int maxActive,
      long chunkRows, boolean rules) throws Exception {
    String base = String.join("\n",
        "source: {connection: bench-source, schemas: [public]}",
        "target: {connection: bench-target}",
        "maxActiveTasks: " + maxActive,
        "tables: {include: [public.customers], chunkRows: " + chunkRows + "}",
        rulesYaml(rules), "");
    int pairs = 3;
    double[] off = new double[pairs];
    double[] on = new double[pairs];
    double[] ratios = new double[pairs];
    try (VeilSession veil = new VeilSession(pg, rows, heap, db("src"), db("twin"), Map.of(
        "bench-off", "id: bench-off\n" + base + "verify: {mode: \"off\"}\n",
        "bench-verify", "id: bench-verify\n" + base + "verify: {mode: warn, sample: 100}\n"))) {
      veil.run("bench-off", rows);
      veil.run("bench-verify", rows);
      for (int i = 0; i < pairs; i++) {
        VeilRun without = veil.run("bench-off", rows);
        report("veil pipeline run, verify off, pair " + (i + 1), without, rows);
        VeilRun with = veil.run("bench-verify", rows);
        report("veil pipeline run, verify on (sample 100), pair " + (i + 1), with, rows);
        off[i] = without.seconds();
        on[i] = with.seconds();
        ratios[i] = on[i] / off[i];
      }
    }
    System.out.printf(Locale.ROOT, "veil pipeline run, verify off:              median %.2f s of %s%n",
        median(off), list(off));
    System.out.printf(Locale.ROOT, "veil pipeline run, verify on (sample 100):  median %.2f s of %s%n",
        median(on), list(on));
    System.out.printf(Locale.ROOT, "verify overhead ratio of each pair: %s%n", list(ratios));
    System.out.printf(Locale.ROOT, "verify overhead ratio: %.2f%n", median(ratios));
  }

  private static void report(String label, VeilRun run, long rows) {
    System.out.printf(Locale.ROOT, "%s: %6.2f s  (%,.0f rows/s; worker CPU %.2f s%s)%n", label,
        run.seconds(), rows / run.seconds(), run.workerCpuSeconds(),
        backendCpu(run.backendCpuSeconds()));
    System.out.printf(Locale.ROOT, "  phases: %s%n", run.phases());
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String list(double[] values) {
    return java.util.Arrays.stream(values)
        .mapToObj(v -> String.format(Locale.ROOT, "%.2f", v))
        .collect(java.util.stream.Collectors.joining(" "));
  }

  /** Builds {@code veil_bench_src.customers} unless it already has the right row count. */
  static void ensureSource(Pg pg, long rows, boolean rebuild) throws SQLException {
    if (!rebuild && pg.exists(db("src"))) {
      try (Connection c = pg.connect(db("src"));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(
              "SELECT count(*) FROM customers")) {
        if (rs.next() && rs.getLong(1) == rows) {
          return;
        }
      } catch (SQLException e) {
        // missing table: rebuild
      }
    }
    long t0 = System.nanoTime();
    pg.recreate(db("src"));
    try (Connection c = pg.connect(db("src"));
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (" + COLUMNS.replace("id bigint",
          "id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY") + ")");
      s.execute(
          "INSERT INTO customers (email, first_name, last_name, phone, street, city, zip,"
              + " birth_date, created_at, profile)"
              + " SELECT 'user' || g || '.' || substr(md5(g::text), 1, 6) || '@mail.example',"
              + " initcap(substr(md5('f' || g), 1, 7)), initcap(substr(md5('l' || g), 1, 9)),"
              + " '+1-555-' || lpad((g % 1000000)::text, 7, '0'),"
              + " (g % 9000 + 1) || ' ' || initcap(substr(md5('s' || g), 1, 8)) || ' Street',"
              + " initcap(substr(md5('c' || (g % 500)), 1, 8)), lpad((g % 99999)::text, 5, '0'),"
              + " date '1950-01-01' + (g % 20000),"
              + " timestamptz '2020-01-01' + (g % 100000) * interval '5 minutes',"
              + " jsonb_build_object('newsletter', g % 2 = 0, 'score', g % 100,"
              + "  'tags', jsonb_build_array('a', 'b'))"
              + " FROM generate_series(1, " + rows + ") g");
      s.execute("VACUUM ANALYZE customers");
    }
    System.out.printf(Locale.ROOT, "built source table in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  private static void rawTarget(Pg pg) throws SQLException {
    try (Connection c = pg.connect(db("raw"));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS customers");
      s.execute("CREATE TABLE customers (" + COLUMNS + ")");
    }
  }

  /** {@code psql -c "COPY … TO STDOUT" | psql -c "COPY … FROM STDIN"}, timed end to end. */
  static double psqlPipe(Pg pg, String format) throws Exception {
    rawTarget(pg);
    checkpoint(pg);
    String command =
        "psql -X -q -d " + db("src") + " -c 'COPY customers TO STDOUT (FORMAT " + format + ")'"
            + " | psql -X -q -d " + db("raw") + " -c 'COPY customers FROM STDIN (FORMAT " + format
            + ")'";
    ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).inheritIO();
    pb.environment().putAll(pg.psqlEnvironment());
    long t0 = System.nanoTime();
    int exit = pb.start().waitFor();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException("psql pipe failed (exit " + exit + "); is psql installed?");
    }
    return seconds;
  }

  /** Runs a shell command with the server's libpq environment; fails on a non-zero exit. */
  static void sh(Pg pg, String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).inheritIO();
    pb.environment().putAll(pg.psqlEnvironment());
    int exit = pb.start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException(command + " failed (exit " + exit + ")");
    }
  }

  /** The same pipe through pgjdbc with no parsing: the floor of any JVM copier. */
  static double javaPipe(Pg pg) throws Exception {
    rawTarget(pg);
    checkpoint(pg);
    try (Connection src = pg.connect(db("src"));
        Connection tgt = pg.connect(db("raw"))) {
      long t0 = System.nanoTime();
      CopyIn in = tgt.unwrap(PGConnection.class).getCopyAPI()
          .copyIn("COPY customers FROM STDIN (FORMAT binary)");
      CopyOut out = src.unwrap(PGConnection.class).getCopyAPI()
          .copyOut("COPY customers TO STDOUT (FORMAT binary)");
      byte[] buf;
      while ((buf = out.readFromCopy()) != null) {
        in.writeToCopy(buf, 0, buf.length);
      }
      in.endCopy();
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  record VeilRun(
      double seconds, long peakRssKib, double workerCpuSeconds, double backendCpuSeconds,
      String phases) {}

  /** "; PostgreSQL backends CPU x s", or nothing when the server's processes cannot be read. */
  static String backendCpu(double seconds) {
    return Double.isNaN(seconds) ? ""
        : String.format(Locale.ROOT, "; PostgreSQL backends CPU %.2f s", seconds);
  }

  /** The bench pipeline's rules: email and keyed hashes, as the target asks. */
  static String rulesYaml(boolean rules) {
    return rules ? String.join("\n",
        "rules:",
        "  public.customers.email: {rule: email}",
        "  public.customers.last_name: {rule: hash, length: 16}",
        "  public.customers.phone: {rule: hash, length: 12}") : "";
  }

  /** Two runs of the bench pipeline on one worker JVM: the first pays for JIT and class loading. */
  static List<VeilRun> veilRuns(
      Pg pg, long rows, String heap, int maxActive, long chunkRows, String rulesYaml)
      throws Exception {
    try (VeilSession veil = new VeilSession(pg, rows, heap, maxActive, chunkRows, rulesYaml)) {
      return List.of(veil.run(), veil.run());
    }
  }

  /**
   * A port-bound dev Temporal server and one worker JVM (at {@code -Xmx<heap>}, plus {@code
   * VEIL_BENCH_WORKER_OPTS}) serving the bench pipeline; each {@link #run} is one whole pipeline
   * run, timed from start to result.
   */
  static final class VeilSession implements AutoCloseable {
    private final Pg pg;
    private final long rows;
    private final String twinDb;
    private final TestServer.PortBoundTestServer server;
    private final Process worker;
    private final WorkflowServiceStubs service;
    private final WorkflowClient client;
    private int runs;

    VeilSession(Pg pg, long rows, String heap, int maxActive, long chunkRows, String rulesYaml)
        throws Exception {
      this(pg, rows, heap, db("src"), db("twin"), Map.of("bench", String.join("\n",
          "id: bench",
          "source: {connection: bench-source, schemas: [public]}",
          "target: {connection: bench-target}",
          "maxActiveTasks: " + maxActive,
          "tables: {include: [public.customers], chunkRows: " + chunkRows + "}",
          rulesYaml,
          "")));
    }

    /** A session serving {@code pipelines} (id to YAML) from {@code sourceDb} into {@code twinDb}. */
    VeilSession(Pg pg, long rows, String heap, String sourceDb, String twinDb,
        Map<String, String> pipelineYamls) throws Exception {
      this.pg = pg;
      this.rows = rows;
      this.twinDb = twinDb;
      Path pipelines = Files.createTempDirectory("veil-bench");
      for (Map.Entry<String, String> p : pipelineYamls.entrySet()) {
        Files.writeString(pipelines.resolve(p.getKey() + ".yaml"), p.getValue());
      }
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      String address = "127.0.0.1:" + port;
      server = TestServer.createPortBoundServer(port, false);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx" + heap));
      // extra worker JVM options for profiling, e.g. -XX:StartFlightRecording=filename=w.jfr
      String extra = System.getenv("VEIL_BENCH_WORKER_OPTS");
      if (extra != null && !extra.isBlank()) {
        command.addAll(List.of(extra.trim().split("\\s+")));
      }
      command.addAll(List.of("-cp", System.getProperty("java.class.path"),
          BenchWorker.class.getName(), address, pg.url(sourceDb),
          pg.url(twinDb), pg.user(), pg.password(), pipelines.toString()));
      Process started = new ProcessBuilder(command).redirectErrorStream(true).start();
      try {
        awaitReady(started);
      } catch (IOException | RuntimeException e) {
        started.destroy();
        server.close();
        throw e;
      }
      worker = started;
      service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
      client = WorkflowClient.newInstance(service);
    }

    VeilRun run() throws Exception {
      return run("bench", rows);
    }

    /** One run of {@code pipeline}; fails unless it copies {@code expectedRows} rows. */
    VeilRun run(String pipeline, long expectedRows) throws Exception {
      String id = "veil-run-" + pipeline + "-" + (++runs);
      PipelineRunWorkflow run = client.newWorkflowStub(PipelineRunWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(Veil.TASK_QUEUE).setWorkflowId(id).build());
      checkpoint(pg);
      double cpuBefore = cpuSeconds(worker.pid());
      double backendBefore = pg.backendCpuSeconds();
      long t0 = System.nanoTime();
      RunSummary summary = run.run(PipelineRunInput.of(pipeline));
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu = cpuSeconds(worker.pid()) - cpuBefore;
      double backend = pg.backendCpuSeconds() - backendBefore;
      if (expectedRows >= 0 && summary.rows() != expectedRows) {
        throw new IllegalStateException(
            "veil copied " + summary.rows() + " rows, expected " + expectedRows);
      }
      awaitReplacedTwinDropped();
      return new VeilRun(seconds, peakRssKib(worker.pid()), cpu, backend, phases(client, id));
    }

    /**
     * The run is done once its twin is swapped in; the worker drops the replaced one in the
     * background (DROP DATABASE forces a checkpoint). Waits for that, outside the timing, so it
     * never overlaps the next measurement (a raw pipe would be slowed by it).
     */
    private void awaitReplacedTwinDropped() throws SQLException, InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (System.nanoTime() < deadline) {
        try (Connection c = pg.connect("postgres");
            java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_database WHERE datname LIKE ?")) {
          ps.setString(1, twinDb.replace("_", "\\_") + "\\_\\_veil\\_%");
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) == 0) {
              return;
            }
          }
        }
        Thread.sleep(100);
      }
    }

    @Override
    public void close() throws InterruptedException {
      service.shutdown();
      worker.destroy();
      worker.waitFor(30, TimeUnit.SECONDS);
      server.close();
    }
  }

  private static void awaitReady(Process worker) throws IOException {
    BufferedReader out = new BufferedReader(
        new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("READY")) {
      System.err.println("worker: " + line);
    }
    if (line == null) {
      throw new IllegalStateException("bench worker exited before it was ready");
    }
    Thread drain = new Thread(() -> {
      try {
        String l;
        while ((l = out.readLine()) != null) {
          System.err.println("worker: " + l);
        }
      } catch (IOException ignored) {
        // worker stopped
      }
    });
    drain.setDaemon(true);
    drain.start();
  }

  /** Wall time of each activity type, from the run's history: first scheduled to last closed. */
  static String phases(WorkflowClient client, String workflowId) {
    Map<Long, String> typeByScheduled = new HashMap<>();
    Map<String, long[]> span = new java.util.LinkedHashMap<>();
    for (HistoryEvent e : client.fetchHistory(workflowId).getEvents()) {
      long at = Timestamps.toMillis(e.getEventTime());
      if (e.hasActivityTaskScheduledEventAttributes()) {
        String type = e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
        typeByScheduled.put(e.getEventId(), type);
        span.computeIfAbsent(type, t -> new long[] {at, at})[1] = at;
      } else if (e.hasActivityTaskCompletedEventAttributes()) {
        String type =
            typeByScheduled.get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
        span.get(type)[1] = Math.max(span.get(type)[1], at);
      }
    }
    StringBuilder out = new StringBuilder();
    span.forEach((type, s) -> out.append(String.format(Locale.ROOT, "%s %.2f s, ", type,
        (s[1] - s[0]) / 1000.0)));
    return out.length() == 0 ? "" : out.substring(0, out.length() - 2);
  }

  /** User plus system CPU time of a live process, from /proc (clock ticks of 1/100 s). */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  /** Flushes dirty buffers so that one measurement does not pay for the previous one's writes. */
  static void checkpoint(Pg pg) throws SQLException {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    }
  }

  /** Peak resident set size (VmHWM) of a live process, from /proc. */
  static long peakRssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** The admin JDBC URL, split into what pgjdbc and psql need. */
  record Pg(String host, int port, String user, String password) {
    static Pg of(String jdbcUrl) {
      URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
      Map<String, String> query = new HashMap<>();
      if (uri.getQuery() != null) {
        for (String kv : uri.getQuery().split("&")) {
          String[] p = kv.split("=", 2);
          query.put(p[0], p.length > 1 ? p[1] : "");
        }
      }
      return new Pg(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
          query.getOrDefault("user", "postgres"), query.getOrDefault("password", ""));
    }

    String url(String db) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + db;
    }

    Connection connect(String db) throws SQLException {
      return DriverManager.getConnection(url(db), user, password.isEmpty() ? null : password);
    }

    Map<String, String> psqlEnvironment() {
      Map<String, String> env = new HashMap<>(Map.of("PGHOST", host, "PGPORT",
          Integer.toString(port), "PGUSER", user));
      if (!password.isEmpty()) {
        env.put("PGPASSWORD", password);
      }
      return env;
    }

    /**
     * CPU seconds of the server's backends that have exited so far (the postmaster's cutime and
     * cstime), or NaN unless the server runs on this machine and its files can be read. Each task
     * and each psql opens its own connection, so a difference between two readings is the CPU
     * the server spent on what ran in between.
     */
    double backendCpuSeconds() {
      try (Connection c = connect("postgres");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW data_directory")) {
        rs.next();
        String pid = Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim();
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
      } catch (SQLException | IOException | RuntimeException e) {
        return Double.NaN;
      }
    }

    String version() throws SQLException {
      try (Connection c = connect("postgres");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SHOW server_version")) {
        rs.next();
        return rs.getString(1);
      }
    }

    boolean exists(String db) throws SQLException {
      try (Connection c = connect("postgres");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(
              "SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
        return rs.next();
      }
    }

    void recreate(String db) throws SQLException {
      try (Connection c = connect("postgres");
          Statement s = c.createStatement()) {
        for (String sql : List.of("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)",
            "CREATE DATABASE " + db)) {
          s.execute(sql);
        }
      }
    }
  }
}
