package dev.veil.activities.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrivacyReportTest {

  private static final MaskingKey KEY = MaskingKey.of("report-test-key-0123456789");

  private static String signedReport(List<LeakFinding> findings, VerifySpec policy) {
    TablePlan orders = new TablePlan("public", "orders", 600,
        List.of(new ColumnPlan("id", "integer", null, null, false),
            new ColumnPlan("customer_email", "text", "email", null, false),
            new ColumnPlan("note", "text", null, null, false)),
        "id > 10", null, TableMode.copy, List.of(), null);
    RunPlan plan = new RunPlan("shop", "veil-run-shop-7", "uid-7", "v3", "src", "tgt", "twin",
        "twin__veil_x", List.of("public"), 2, List.of(orders), null, null, null);
    LeakCheckResult result = new LeakCheckResult(true, 1, 600, 2, 1200, findings, null);
    ObjectNode report = PrivacyReport.build(plan, policy, result,
        new PrivacyReport.RunFacts("2026-12-02 10:00:00+00", "1.2.3", Map.of("public.orders", 590L)),
        KEY, Instant.parse("2026-12-02T10:05:00Z"));
    return PrivacyReport.toJson(PrivacyReport.sign(report, PrivacyReport.reportKey(KEY)));
  }

  @Test
  void signedReportVerifiesUnderItsKeyOnly() {
    String json = signedReport(List.of(), VerifySpec.DEFAULTS);
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

    assertTrue(PrivacyReport.verify(bytes, PrivacyReport.reportKey(KEY)));
    assertFalse(PrivacyReport.verify(bytes,
        PrivacyReport.reportKey(MaskingKey.of("another-key-0123456789"))));
    assertTrue(json.contains("\"verdict\" : \"clean\""), json);
    assertTrue(json.contains("\"maskingKeyFingerprint\" : \"" + KEY.fingerprint() + "\""), json);
    assertTrue(json.contains("\"subset\" : \"where filter\""), json);
    assertTrue(json.contains("\"rows\" : 590"), json);
    assertFalse(json.contains("report-test-key"), "never the key");
  }

  @Test
  void changingAnyByteBreaksTheSignature() {
    byte[] bytes = signedReport(
        List.of(new LeakFinding("public.orders.note", 3, "phone", null)),
        new VerifySpec(VerifySpec.VerifyMode.warn, 100.0, 5)).getBytes(StandardCharsets.UTF_8);
    byte[] key = PrivacyReport.reportKey(KEY);
    assertTrue(PrivacyReport.verify(bytes, key));
    for (int i = 0; i < bytes.length; i++) {
      byte[] changed = bytes.clone();
      changed[i] = (byte) (changed[i] == '0' ? '1' : changed[i] == ' ' ? '\t' : '0');
      assertFalse(PrivacyReport.verify(changed, key), "byte " + i + " changed and still verifies");
    }
  }

  @Test
  void verdictFollowsThePolicy() {
    LeakCheckResult leaky = new LeakCheckResult(true, 1, 1, 1, 1,
        List.of(new LeakFinding("a.b.c", 1, "email", null)), null);
    assertEquals("leaks_found", PrivacyReport.verdict(VerifySpec.DEFAULTS, leaky));
    assertEquals("leaks_found_warned", PrivacyReport.verdict(
        new VerifySpec(VerifySpec.VerifyMode.warn, 100.0, 5), leaky));
    assertEquals("not_checked", PrivacyReport.verdict(VerifySpec.DEFAULTS,
        new LeakCheckResult(false, 0, 0, 0, 0, List.of(), null)));
  }
}
