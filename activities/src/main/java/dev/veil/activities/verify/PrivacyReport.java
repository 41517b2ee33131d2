package dev.veil.activities.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.TableMode;
import dev.veil.workflows.spec.VerifySpec;
import dev.veil.workflows.verify.LeakCheckResult;
import dev.veil.workflows.verify.LeakFinding;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The privacy report of a run: what was copied, under which rule, what the leak check found, and
 * the verdict, signed so that an auditor can tell it was not edited. Names and counts only, never
 * a value, never a key (the masking key appears as its fingerprint).
 *
 * <p>The signature is HMAC-SHA256 over the canonical JSON of the report without its {@code
 * signature} member: keys sorted, no insignificant whitespace, UTF-8. The report key comes from
 * configuration, or is derived from the masking key ({@code derive("privacy-report")}).
 */
public final class PrivacyReport {

  public static final String FORMAT = "veil-privacy-report/1";
  public static final String ALGORITHM = "HMAC-SHA256";
  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private PrivacyReport() {}

  /**
   * What a report says about one run besides the leak check.
   *
   * @param checkSnapshotTime when the leak check had to read the source under a later snapshot
   *     than the copy's (the run's snapshot ended with a worker after the copy), that snapshot's
   *     time; else null
   */
  public record RunFacts(
      String sourceSnapshotTime, String veilVersion, Map<String, Long> rowsPerTable,
      String checkSnapshotTime) {
    public RunFacts(String sourceSnapshotTime, String veilVersion, Map<String, Long> rowsPerTable) {
      this(sourceSnapshotTime, veilVersion, rowsPerTable, null);
    }
  }

  /** Builds the unsigned report. */
  public static ObjectNode build(RunPlan plan, VerifySpec policy, LeakCheckResult result,
      RunFacts facts, MaskingKey maskingKey, Instant createdAt) {
    ObjectNode report = CANONICAL.createObjectNode();
    report.put("format", FORMAT);
    report.put("run", plan.runId());
    report.put("runUid", plan.runUid());
    report.put("pipeline", plan.pipelineId());
    report.put("specVersion", plan.pipelineVersion());
    report.put("sourceSnapshotTime", facts.sourceSnapshotTime());
    if (facts.checkSnapshotTime() != null) {
      // values the source changed between the two snapshots were not fingerprinted
      report.put("leakCheckSourceSnapshotTime", facts.checkSnapshotTime());
    }
    report.put("veilVersion", facts.veilVersion());
    report.put("maskingKeyFingerprint", maskingKey == null ? null : maskingKey.fingerprint());
    report.put("createdAt", createdAt.toString());
    ObjectNode verify = report.putObject("verify");
    verify.put("mode", policy.mode().name());
    verify.put("sample", policy.sample());
    verify.put("minLength", policy.minLength());
    verify.put("performed", result.performed());
    verify.put("fingerprintedColumns", result.fingerprintedColumns());
    verify.put("scannedColumns", result.scannedColumns());
    verify.put("scannedValues", result.scannedValues());

    ArrayNode tables = report.putArray("tables");
    ArrayNode columns = report.putArray("columns");
    for (TablePlan table : plan.tables()) {
      ObjectNode t = tables.addObject();
      t.put("table", table.qualifiedName());
      t.put("mode", table.mode() == null ? TableMode.copy.name() : table.mode().name());
      Long rows = facts.rowsPerTable().get(table.qualifiedName());
      if (rows != null) {
        t.put("rows", rows);
      }
      t.put("estimatedSourceRows", table.estimatedRows());
      String subset = subsetReason(table);
      if (subset != null) {
        t.put("subset", subset);
      }
      for (ColumnPlan c : table.columns()) {
        String name = table.qualifiedName() + "." + c.name();
        ObjectNode col = columns.addObject();
        col.put("column", name);
        col.put("rule", c.rule() == null ? "passthrough" : c.rule());
        List<LeakFinding> found =
            result.findings().stream().filter(f -> f.column().equals(name)).toList();
        col.put("leakCheck", !result.performed() ? "not_checked"
            : found.isEmpty() ? "clean" : "leaks_found");
        ArrayNode findings = col.putArray("findings");
        for (LeakFinding f : found) {
          ObjectNode o = findings.addObject();
          o.put("kind", f.kind());
          o.put("count", f.count());
          if (f.sourceColumn() != null) {
            o.put("sourceColumn", f.sourceColumn());
          }
        }
      }
    }
    report.put("verdict", verdict(policy, result));
    return report;
  }

  /** {@code clean}, {@code not_checked}, {@code leaks_found_warned} or {@code leaks_found}. */
  static String verdict(VerifySpec policy, LeakCheckResult result) {
    if (!result.performed()) {
      return "not_checked";
    }
    if (result.clean()) {
      return "clean";
    }
    return policy.mode() == VerifySpec.VerifyMode.warn ? "leaks_found_warned" : "leaks_found";
  }

  private static String subsetReason(TablePlan table) {
    if (table.where() != null && table.sample() != null) {
      return "where filter and " + table.sample() + "% sample";
    }
    if (table.where() != null) {
      return "where filter";
    }
    if (table.sample() != null) {
      return table.sample() + "% sample";
    }
    return null;
  }

  /** The report key derived from the masking key, when configuration names none. */
  public static byte[] reportKey(MaskingKey maskingKey) {
    return maskingKey.derive("privacy-report");
  }

  /** The report key from configuration text. */
  public static byte[] reportKey(String configured) {
    return configured.getBytes(StandardCharsets.UTF_8);
  }

  /** Adds the {@code signature} member (replacing one there) and returns the report. */
  public static ObjectNode sign(ObjectNode report, byte[] key) {
    report.remove("signature");
    ObjectNode signature = CANONICAL.createObjectNode();
    signature.put("algorithm", ALGORITHM);
    signature.put("keyId", keyId(key));
    signature.put("value", hmac(canonical(report), key));
    report.set("signature", signature);
    return report;
  }

  /** Whether {@code reportJson} carries a valid signature under {@code key}. */
  public static boolean verify(byte[] reportJson, byte[] key) {
    JsonNode parsed;
    try {
      parsed = CANONICAL.readTree(reportJson);
    } catch (java.io.IOException e) {
      return false;
    }
    if (!(parsed instanceof ObjectNode report) || !report.path("signature").isObject()) {
      return false;
    }
    JsonNode signature = report.path("signature");
    if (!ALGORITHM.equals(signature.path("algorithm").asText())
        || !keyId(key).equals(signature.path("keyId").asText())) {
      return false;
    }
    String claimed = signature.path("value").asText("");
    ObjectNode unsigned = report.deepCopy();
    unsigned.remove("signature");
    byte[] expected = hmac(canonical(unsigned), key).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, claimed.getBytes(StandardCharsets.US_ASCII))) {
      return false;
    }
    // the signature covers the members; the file must also be exactly as written (a changed
    // space or line break is a changed byte too)
    String file = new String(reportJson, StandardCharsets.UTF_8);
    String written = toJson(report);
    return file.equals(written) || file.equals(written + "\n");
  }

  /** Keys sorted at every level, no whitespace: the bytes the signature covers. */
  static byte[] canonical(JsonNode node) {
    try {
      Object plain = CANONICAL.treeToValue(node, Object.class);
      return CANONICAL.writeValueAsBytes(plain);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report is not serialisable", e);
    }
  }

  /** Pretty JSON of a signed report, as stored and printed. */
  public static String toJson(ObjectNode report) {
    try {
      return CANONICAL.writerWithDefaultPrettyPrinter().writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report is not serialisable", e);
    }
  }

  private static String keyId(byte[] key) {
    return hmac("key-id".getBytes(StandardCharsets.UTF_8), key).substring(0, 8);
  }

  private static String hmac(byte[] data, byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(data));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
