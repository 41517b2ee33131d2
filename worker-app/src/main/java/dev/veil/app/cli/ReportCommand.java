package dev.veil.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.verify.PrivacyReport;
import dev.veil.app.VeilConfiguration;
import dev.veil.app.core.RunReports;
import dev.veil.app.core.TemporalClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code report RUN_ID [--json]}: a run's privacy report (verdict, findings per column; the signed
 * JSON with {@code --json}). {@code report verify FILE}: whether a saved report's signature holds
 * under this agent's report key ({@code VEIL_REPORT_KEY}, else derived from the masking key); exit
 * 0 valid, 1 not.
 */
public class ReportCommand extends VeilCommand {

  /** The report key, when it is not derived from the masking key. */
  static final String REPORT_KEY_ENV = "VEIL_REPORT_KEY";

  public ReportCommand(Console console) {
    super(console, "report", "Shows a run's signed privacy report, or verifies a saved one");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("what").nargs("+").metavar("RUN_ID | verify FILE")
        .help("a run id, or 'verify' and a report file");
    subparser.addArgument("--json").action(Arguments.storeTrue())
        .help("print the report's JSON exactly as signed");
  }

  @Override
  protected int execute(Namespace namespace, VeilConfiguration configuration) throws Exception {
    List<String> what = namespace.getList("what");
    if (what.size() == 2 && "verify".equals(what.get(0))) {
      return verify(Path.of(what.get(1)), configuration);
    }
    if (what.size() != 1) {
      throw new ExitException(ExitException.INVALID, "usage: veil report RUN_ID [--json]"
          + " | veil report verify FILE");
    }
    String runId = what.get(0);
    try (TemporalClients clients = configuration.getTemporal().connect()) {
      Optional<String> report = new RunReports(clients.client()).find(runId);
      if (report.isEmpty()) {
        throw new ExitException(ExitException.FAILED, "run " + runId + " has no privacy report"
            + " (it ended before its leak check, or was recorded before reports existed)");
      }
      if (Boolean.TRUE.equals(namespace.getBoolean("json"))) {
        out().println(report.get());
      } else {
        printSummary(console.objectMapper().readTree(report.get()));
      }
      return ExitException.OK;
    }
  }

  private int verify(Path file, VeilConfiguration configuration) throws Exception {
    byte[] key = reportKey(configuration);
    boolean valid = PrivacyReport.verify(Files.readAllBytes(file), key);
    out().println(valid ? "signature valid: " + file + " was not edited"
        : "signature INVALID: " + file + " was edited, or signed with another key");
    return valid ? ExitException.OK : ExitException.FAILED;
  }

  static byte[] reportKey(VeilConfiguration configuration) {
    String configured = System.getenv(REPORT_KEY_ENV);
    if (configured != null && !configured.isBlank()) {
      return PrivacyReport.reportKey(configured);
    }
    // the agent signs with the same key (masking.reportKey, else derived from masking.key)
    return configuration.getMasking().buildReportKey().orElseThrow(() -> new ExitException(
        ExitException.INVALID, "no report key: set " + REPORT_KEY_ENV
            + " or the masking key the report was made with (VEIL_MASKING_KEY)"));
  }

  private void printSummary(JsonNode report) {
    out().printf("run %s  pipeline %s  spec %s  verdict %s%n", report.path("run").asText(),
        report.path("pipeline").asText(), report.path("specVersion").asText(),
        report.path("verdict").asText());
    out().printf("source snapshot %s  Veil %s  masking key %s%n",
        report.path("sourceSnapshotTime").asText(), report.path("veilVersion").asText(),
        report.path("maskingKeyFingerprint").asText());
    for (JsonNode table : report.path("tables")) {
      out().printf("  %-40s rows %s%s%n", table.path("table").asText(),
          table.path("rows").asText("?"),
          table.has("subset") ? "  subset: " + table.path("subset").asText() : "");
    }
    for (JsonNode column : report.path("columns")) {
      for (JsonNode finding : column.path("findings")) {
        out().printf("  LEAK %s: %d %s%s%n", column.path("column").asText(),
            finding.path("count").asLong(), finding.path("kind").asText(),
            finding.has("sourceColumn") ? " of " + finding.path("sourceColumn").asText() : "");
      }
    }
    out().println(report.has("signature") ? "signed (" + report.path("signature")
        .path("algorithm").asText() + ", key " + report.path("signature").path("keyId").asText()
        + ")" : "unsigned");
  }
}
