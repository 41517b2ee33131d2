package dev.veil.activities.plan;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.TargetSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Specs for the planner tests of uniqueness and presets: source "src", target "tgt". */
final class PlanSpecs {

  private PlanSpecs() {}

  static PipelineSpec spec(List<String> include, Map<String, RuleSpec> rules) {
    return new PipelineSpec("p", "v", null, 1, null, new SourceSpec("src", List.of("public")),
        new TargetSpec("tgt"), new TablesSpec(include, null, null, null), rules, null, null,
        null, null, null, null);
  }

  static PipelineSpec withPreset(List<String> include, Map<String, RuleSpec> rules) {
    Map<String, RuleSpec> all = new HashMap<>(rules);
    all.put("preset", new RuleSpec(null, Map.of("preset", "pii-default")));
    return spec(include, all);
  }

  static List<String> problems(Planner planner, PipelineSpec spec) {
    return assertThrows(InvalidSpecException.class, () -> planner.plan(spec, "r1")).problems();
  }

  static RuleSpec rule(String name, String... params) {
    Map<String, String> p = new HashMap<>();
    for (int i = 0; i < params.length; i += 2) {
      p.put(params[i], params[i + 1]);
    }
    return new RuleSpec(name, p);
  }
}
