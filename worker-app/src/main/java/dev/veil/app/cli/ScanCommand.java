package dev.veil.app.cli;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.scan.PiiScanner;
import dev.veil.app.VeilConfiguration;
import dev.veil.workflows.scan.ColumnFinding;
import dev.veil.workflows.scan.ScanReport;
import dev.veil.workflows.scan.ScanRequest;
import java.io.PrintStream;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code scan <connection> [--schema S]… [--rows N] [--json]}: samples every table of the schemas
 * (TABLESAMPLE, at most N rows each), prints the columns that likely hold personal data with
 * counts and confidence (never a value) and a {@code rules:} block ready to paste into a pipeline.
 * Runs in this process against the configured connection; the dashboard starts the same scan as
 * the {@code Scan} workflow. Exit 0, or 2 for an unknown connection or schema.
 */
public class ScanCommand extends VeilCommand {

  public ScanCommand(Console console) {
    super(console, "scan", "Finds columns that likely hold personal data and suggests rules");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("connection").metavar("CONNECTION")
        .help("name of a connection configured on the agent");
    subparser.addArgument("-s", "--schema").dest("schemas").action(Arguments.append())
        .metavar("SCHEMA").help("schema to scan (repeatable; default public)");
    subparser.addArgument("--rows").type(Integer.class).setDefault(ScanRequest.DEFAULT_SAMPLE_ROWS)
        .metavar("N").help("rows sampled per table, 10..100000 (default 1000)");
    subparser.addArgument("--json").action(Arguments.storeTrue())
        .help("print the report as JSON");
  }

  @Override
  protected int execute(Namespace namespace, VeilConfiguration configuration) throws Exception {
    String name = namespace.getString("connection");
    ConnectionRegistry connections = configuration.connectionRegistry();
    if (!connections.has(name)) {
      throw new ExitException(ExitException.INVALID, "veil scan: connection '" + name
          + "' is not configured (configured: " + String.join(", ", connections.names()) + ")");
    }
    List<String> schemas = namespace.getList("schemas");
    ScanRequest request = new ScanRequest(name, schemas, namespace.getInt("rows"));
    ScanReport report;
    try (Connection c = Connections.open(connections, name, "veil-scan", getName())) {
      report = new PiiScanner().scan(c, request, () -> {});
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitException.INVALID, "veil scan: " + e.getMessage());
    }
    if (Boolean.TRUE.equals(namespace.getBoolean("json"))) {
      out().println(console.objectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
    } else {
      print(out(), report);
    }
    return ExitException.OK;
  }

  static void print(PrintStream out, ScanReport report) {
    out.printf("scanned %s (schemas %s): %d tables, %d columns, %d likely personal-data"
            + " column%s%n", report.connection(), String.join(", ", report.schemas()),
        report.tables(), report.columns(), report.findings().size(),
        report.findings().size() == 1 ? "" : "s");
    if (!report.findings().isEmpty()) {
      out.println();
      out.printf("  %-44s %-16s %-10s %s%n", "column", "kind", "confidence", "evidence");
      for (ColumnFinding f : report.findings()) {
        out.printf(Locale.ROOT, "  %-44s %-16s %-10.2f %s%s%n", f.table() + "." + f.column(),
            f.kind(), f.confidence(), String.join("+", f.signals()),
            f.signals().contains("content")
                ? " (" + f.matched() + "/" + f.sampled() + " sampled values)" : "");
      }
    }
    out.println();
    out.println("# suggested pipeline (save it under pipelines/, then: veil check <pipeline>)");
    out.print(report.suggestedPipeline() != null ? report.suggestedPipeline()
        : report.suggestedRules());
  }
}
