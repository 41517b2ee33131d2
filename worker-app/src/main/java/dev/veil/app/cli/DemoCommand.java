package dev.veil.app.cli;

import dev.veil.activities.cloud.OfflineReportingActivities;
import dev.veil.activities.config.LocalFolderPipelineSource;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.db.Sql;
import dev.veil.activities.demo.DemoDatabase;
import dev.veil.activities.demo.DemoPostgres;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.verify.PrivacyReport;
import dev.veil.app.VeilConfiguration;
import dev.veil.app.api.RunStatus;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.RunStatusReader;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.VeilWorker;
import dev.veil.temporaldev.DevTemporalServer;
import dev.veil.workflows.spec.PipelineSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code demo [--customers N] [--orders N] [--keep]}: the one-command demo. Starts a Temporal dev
 * server (7233, or a free port if busy; {@code VEIL_TEMPORAL_ADDRESS} uses an existing Temporal
 * instead) and a PostgreSQL ({@code VEIL_PG_URL} or embedded), generates {@code veil_demo_source}
 * with fake customers and orders, runs pipeline {@code demo} into {@code veil_demo_target} on an
 * in-process worker, shows live progress, then a source-vs-target sample of the redacted columns
 * and a summary. Everything it started stops at the end, unless {@code --keep}.
 */
public class DemoCommand extends VeilCommand {

  static final String PIPELINE_ID = "demo";
  static final String SOURCE_DB = "veil_demo_source";
  static final String TARGET_DB = "veil_demo_target";
  static final String BUNDLED_PIPELINE = "veil/pipelines/demo.yaml";
  static final List<String> SAMPLE_COLUMNS =
      List.of("first_name", "last_name", "email", "phone", "street");
  private static final int SAMPLE_ROWS = 3;

  private final Shutdown shutdown;

  public DemoCommand(Console console, Shutdown shutdown) {
    super(console, "demo", "Copies a generated customer database with its PII redacted, end to end");
    this.shutdown = shutdown;
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser
        .addArgument("--customers")
        .type(Integer.class)
        .setDefault(40_000)
        .help("customers to generate (default 40000)");
    subparser
        .addArgument("--orders")
        .type(Integer.class)
        .setDefault(80_000)
        .help("orders to generate (default 80000)");
    subparser
        .addArgument("--keep")
        .action(Arguments.storeTrue())
        .help("keep Temporal, PostgreSQL and both databases running after the run, until Ctrl-C");
  }

  @Override
  protected int execute(Namespace namespace, VeilConfiguration configuration) throws Exception {
    int customers = namespace.getInt("customers");
    int orders = namespace.getInt("orders");
    if (customers < 1 || orders < 0) {
      throw new ExitException(
          ExitException.INVALID, "veil demo: --customers must be at least 1, --orders at least 0");
    }
    PrintStream out = out();
    try (Closer closer = new Closer()) {
      out.println("Veil demo — a PII-safe copy of a PostgreSQL database, orchestrated by Temporal");
      out.println();

      // Temporal
      String external = System.getenv("VEIL_TEMPORAL_ADDRESS");
      String address;
      boolean devServer;
      if (external != null && !external.isBlank()) {
        address = configuration.getTemporal().getAddress();
        devServer = configuration.getTemporal().isDevServer();
        step(out, "Temporal", address + " (VEIL_TEMPORAL_ADDRESS)");
      } else {
        DevTemporalServer server =
            closer.add(DevTemporalServer.start(DevTemporalServer.DEFAULT_PORT, true));
        address = server.address();
        devServer = true;
        step(out, "Temporal", "dev server at " + address + " (in memory, stops with the demo)");
      }
      TemporalClients clients =
          closer.add(
              TemporalClients.connect(
                  address,
                  configuration.getTemporal().getNamespace(),
                  configuration.getTemporal().getRpcTimeout().toJavaDuration()));

      // PostgreSQL and the source data
      DemoPostgres postgres = DemoPostgres.start();
      closer.add(postgres::close);
      step(out, "PostgreSQL", postgres.description());
      postgres.recreateDatabase(SOURCE_DB);
      postgres.recreateDatabase(TARGET_DB);
      ConnectionSettings source = postgres.settings(SOURCE_DB);
      ConnectionSettings target = postgres.settings(TARGET_DB);
      long generating = System.nanoTime();
      DemoDatabase.DemoStats stats;
      try (Connection connection = ConnectionRegistry.open(source, "veil-demo")) {
        stats = DemoDatabase.populate(connection, customers, orders, 42);
      }
      step(
          out,
          "Source",
          String.format(
              Locale.ROOT,
              "%s: %,d customers, %,d orders of fake PII generated in %.1f s",
              SOURCE_DB,
              stats.customers(),
              stats.orders(),
              (System.nanoTime() - generating) / 1e9));

      // Pipeline, worker, run
      PipelineSource pipelines = demoPipelines(configuration, closer);
      PipelineSpec spec = PipelineRunStarter.validate(pipelines, PIPELINE_ID);
      Map<String, ConnectionSettings> connections = new LinkedHashMap<>();
      connections.put(spec.source().connection(), source);
      connections.put(spec.target().connection(), target);
      ConnectionRegistry registry = new ConnectionRegistry(connections);
      MaskingKey key = configuration.getMasking().build().orElse(null);
      boolean randomKey = key == null;
      if (randomKey) {
        key = MaskingKey.random();
      }
      step(
          out,
          "Masking key",
          (randomKey ? "random for this demo" : "from VEIL_MASKING_KEY")
              + " (fingerprint "
              + key.fingerprint()
              + ")");
      VeilWorker worker =
          closer.add(
              VeilWorker.create(
                  clients,
                  configuration.getWorker().settings(devServer),
                  pipelines,
                  registry,
                  configuration.getExecutor().build(registry, key),
                  new OfflineReportingActivities(),
                  configuration.getPostgres().getBinDir(),
                  key,
                  configuration.getMasking().buildReportKey()
                      .orElse(PrivacyReport.reportKey(key)),
                  dev.veil.activities.delivery.DeliveryStorages.none()));
      worker.start();
      String runId = new PipelineRunStarter(clients.client(), pipelines).runNow(PIPELINE_ID, "veil demo");
      step(
          out,
          "Run",
          runId + " (" + spec.source().connection() + " → " + spec.target().connection() + ")");
      out.println();

      RunPrinter printer = new RunPrinter(out, RunPrinter.terminal(out), console.objectMapper());
      RunStatus last =
          printer.follow(new RunStatusReader(clients), runId, Duration.ofSeconds(1), false);
      out.println();
      if (last.outcome() == RunStatus.Outcome.SUCCEEDED) {
        printSample(out, source, target, "public");
        out.println();
      }
      printer.printSummary(last);

      if (Boolean.TRUE.equals(namespace.getBoolean("keep"))) {
        out.println();
        out.println("Kept running (Ctrl-C stops everything):");
        // without the URL's query string: VEIL_PG_URL may carry a password there
        out.println(
            "  source    "
                + withoutQuery(postgres.jdbcUrl(SOURCE_DB))
                + "  user "
                + postgres.user());
        out.println(
            "  target    "
                + withoutQuery(postgres.jdbcUrl(TARGET_DB))
                + "  user "
                + postgres.user());
        out.println("  Temporal  " + address);
        out.println("  status    VEIL_TEMPORAL_ADDRESS=" + address + " ./veil status " + runId);
        out.flush();
        shutdown.await(() -> {});
      }
      return RunPrinter.exitCode(last);
    }
  }

  private static void step(PrintStream out, String what, String detail) {
    out.printf(Locale.ROOT, "  %-12s %s%n", what, detail);
    out.flush();
  }

  /**
   * The folder source if it has the demo pipeline (run from the repository root), else the copy of
   * {@code pipelines/demo.yaml} bundled into the jar.
   */
  static PipelineSource demoPipelines(VeilConfiguration configuration, Closer closer)
      throws IOException {
    Path folder = Path.of(configuration.getPipelines().getDirectory());
    for (String extension : List.of("yaml", "yml", "json")) {
      if (Files.isRegularFile(folder.resolve(PIPELINE_ID + "." + extension))) {
        return new LocalFolderPipelineSource(folder);
      }
    }
    try (InputStream in =
        DemoCommand.class.getClassLoader().getResourceAsStream(BUNDLED_PIPELINE)) {
      if (in == null) {
        throw new ExitException(
            ExitException.FAILED,
            "veil demo: no pipeline 'demo' in "
                + folder.toAbsolutePath()
                + " and none bundled in the jar");
      }
      Path copy = Files.createTempDirectory("veil-demo-pipelines");
      closer.add(() -> deleteTree(copy));
      Files.copy(in, copy.resolve(PIPELINE_ID + ".yaml"));
      return new LocalFolderPipelineSource(copy);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Three customers side by side, source value against target value, for the redacted columns. The
   * data is the demo's own fake PII, so printing it is fine.
   */
  static void printSample(
      PrintStream out, ConnectionSettings source, ConnectionSettings target, String targetSchema) {
    try (Connection src = ConnectionRegistry.open(source, "veil-demo");
        Connection dst = ConnectionRegistry.open(target, "veil-demo")) {
      String key = primaryKey(src, "public", "customers");
      List<String> columns = existingColumns(src, "public", "customers", SAMPLE_COLUMNS);
      if (key == null || columns.isEmpty()) {
        out.println(
            "(no sample: public.customers has no primary key or none of " + SAMPLE_COLUMNS + ")");
        return;
      }
      String select =
          Sql.ident(key) + ", " + String.join(", ", columns.stream().map(Sql::ident).toList());
      List<Map<String, String>> before = new ArrayList<>();
      try (Statement s = src.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT "
                      + select
                      + " FROM "
                      + Sql.qualified("public", "customers")
                      + " ORDER BY "
                      + Sql.ident(key)
                      + " LIMIT "
                      + SAMPLE_ROWS)) {
        while (rs.next()) {
          before.add(row(rs, key, columns));
        }
      }
      int width = Math.max(10, columns.stream().mapToInt(String::length).max().orElse(10));
      out.println("Sample — source → target (the demo's fake data):");
      String sql =
          "SELECT "
              + select
              + " FROM "
              + Sql.qualified(targetSchema, "customers")
              + " WHERE "
              + Sql.ident(key)
              + "::text = ?";
      try (PreparedStatement q = dst.prepareStatement(sql)) {
        for (Map<String, String> original : before) {
          q.setString(1, original.get(key));
          Map<String, String> copy = Map.of();
          try (ResultSet rs = q.executeQuery()) {
            if (rs.next()) {
              copy = row(rs, key, columns);
            }
          }
          out.printf(Locale.ROOT, "  customer %s = %s%n", key, original.get(key));
          for (String column : columns) {
            out.printf(
                Locale.ROOT,
                "    %-" + width + "s  %-34s → %s%n",
                column,
                show(original.get(column)),
                copy.isEmpty() ? "(missing in target)" : show(copy.get(column)));
          }
        }
      }
    } catch (SQLException e) {
      out.println("(no sample: " + dev.veil.activities.db.SafeErrors.describe(e) + ")");
    }
    out.flush();
  }

  private static String withoutQuery(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  private static String show(String value) {
    return value == null ? "NULL" : value;
  }

  private static Map<String, String> row(ResultSet rs, String key, List<String> columns)
      throws SQLException {
    Map<String, String> row = new LinkedHashMap<>();
    row.put(key, rs.getString(1));
    for (int i = 0; i < columns.size(); i++) {
      row.put(columns.get(i), rs.getString(i + 2));
    }
    return row;
  }

  private static String primaryKey(Connection c, String schema, String table) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    try (ResultSet rs = meta.getPrimaryKeys(null, schema, table)) {
      return rs.next() ? rs.getString("COLUMN_NAME") : null;
    }
  }

  private static List<String> existingColumns(
      Connection c, String schema, String table, List<String> wanted) throws SQLException {
    List<String> present = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getColumns(null, schema, table, null)) {
      while (rs.next()) {
        present.add(rs.getString("COLUMN_NAME"));
      }
    }
    return wanted.stream().filter(present::contains).toList();
  }
}
