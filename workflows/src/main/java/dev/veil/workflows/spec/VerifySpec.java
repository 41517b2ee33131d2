package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The leak check of a run: {@code verify: {mode: fail, sample: 100, minLength: 5}}.
 *
 * @param mode {@code fail} (the default: findings stop the run before the swap), {@code warn}
 *     (findings are reported, the run goes on) or {@code off} (no check)
 * @param sample percent of each twin table scanned, 1 to 100 (default 100)
 * @param minLength source values shorter than this are not fingerprinted: a match would prove
 *     nothing (default 5)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerifySpec(VerifyMode mode, Double sample, Integer minLength) {

  public static final VerifySpec DEFAULTS = new VerifySpec(VerifyMode.fail, 100.0, 5);

  /** This spec with every missing field set to its default. */
  public VerifySpec withDefaults() {
    return new VerifySpec(
        mode == null ? DEFAULTS.mode() : mode,
        sample == null ? DEFAULTS.sample() : sample,
        minLength == null ? DEFAULTS.minLength() : minLength);
  }

  /** What a leak check does with its findings. */
  public enum VerifyMode {
    fail,
    warn,
    off
  }
}
