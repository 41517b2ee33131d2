package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.rules.MaskingKey;
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
    return "MaskingFactory[key=" + (key == null || key.isEmpty() ? "unset" : "***") + "]";
  }
}
