package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.verify.PrivacyReport;
import jakarta.validation.constraints.Pattern;
import java.util.Optional;

/**
 * {@code masking:} the secret behind keyed rules ({@code VEIL_MASKING_KEY}). Empty means no key:
 * pipelines with keyed rules then fail with a message saying so. Never printed.
 */
public class MaskingFactory {

  /** Empty, or at least 16 characters (so at least {@value MaskingKey#MIN_LENGTH} bytes). */
  @Pattern(
      regexp = "(?s)|.{16,}",
      message = "must be empty or at least 16 characters (VEIL_MASKING_KEY)")
  private String key = "";

  /**
   * Signs privacy reports ({@code VEIL_REPORT_KEY}); empty: a key derived from the masking key.
   * An auditor's {@code veil report verify} needs the same one.
   */
  private String reportKey = "";

  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  public String getReportKey() {
    return reportKey;
  }

  @JsonProperty
  public void setReportKey(String reportKey) {
    this.reportKey = reportKey;
  }

  /**
   * The key that signs privacy reports: the configured report key, else one derived from the
   * masking key; empty when neither is set (reports are then unsigned).
   */
  public Optional<byte[]> buildReportKey() {
    if (reportKey != null && !reportKey.isBlank()) {
      return Optional.of(PrivacyReport.reportKey(reportKey));
    }
    return build().map(PrivacyReport::reportKey);
  }

  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  public String getKey() {
    return key;
  }

  @JsonProperty
  public void setKey(String key) {
    this.key = key;
  }

  /** The configured key, or empty when none is set. */
  public Optional<MaskingKey> build() {
    return key == null || key.isEmpty() ? Optional.empty() : Optional.of(MaskingKey.of(key));
  }

  @Override
  public String toString() {
    return "MaskingFactory[key=" + (key == null || key.isEmpty() ? "unset" : "***")
        + ", reportKey=" + (reportKey == null || reportKey.isEmpty() ? "unset" : "***") + "]";
  }
}
