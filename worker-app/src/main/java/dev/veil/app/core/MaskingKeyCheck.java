package dev.veil.app.core;

import dev.veil.activities.rules.Presets;
import dev.veil.activities.rules.RuleType;
import dev.veil.activities.rules.Rules;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a pipeline can run with the agent's masking key: a spec whose rules need the key (its
 * explicit rules, the rules nested in {@code json} rules, its preset's rules) must be refused
 * before a run starts when no key is set, or every chunk fails at once.
 */
public final class MaskingKeyCheck {

  private MaskingKeyCheck() {}

  /** The keyed rules the spec uses, by name; empty when it needs no key. */
  public static Set<String> keyedRules(PipelineSpec spec) {
    Set<String> keyed = new TreeSet<>();
    for (Map.Entry<String, RuleSpec> e : spec.effectiveRules().entrySet()) {
      if (e.getKey().equals(Presets.KEY)) {
        Presets.find(Presets.presetName(spec.rules()))
            .ifPresent(p -> p.entries().forEach(entry -> add(keyed, entry.rule())));
      } else {
        add(keyed, e.getValue());
      }
    }
    return keyed;
  }

  private static void add(Set<String> keyed, RuleSpec rule) {
    if (rule == null || rule.rule() == null) {
      return;
    }
    RuleType type = Rules.find(rule.rule());
    if (type != null && type.keyed()) {
      keyed.add(type.name());
    }
    if ("json".equals(rule.rule())) {
      rule.params().forEach(
          (path, nested) -> {
            if (path.startsWith("$.") && nested != null) {
              add(keyed, RuleSpec.of(nested));
            }
          });
    }
  }

  /**
   * The problem to report for this spec, or empty when it can run.
   *
   * @param hasKey whether {@code masking.key} is set
   */
  public static Optional<String> problem(PipelineSpec spec, boolean hasKey) {
    Set<String> keyed = keyedRules(spec);
    if (hasKey || keyed.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "rules "
            + String.join(", ", keyed)
            + " need a masking key: set masking.key (VEIL_MASKING_KEY, at least 16 characters)");
  }
}
