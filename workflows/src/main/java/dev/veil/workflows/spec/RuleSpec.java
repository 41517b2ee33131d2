package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A column rule as written in a spec: {@code {rule: email, domain: example.com}}. Every key other
 * than {@code rule} is a parameter; parameters are kept as strings and typed by the rule.
 */
public record RuleSpec(String rule, Map<String, String> params) {

  public RuleSpec {
    params = params == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(params));
  }

  public static RuleSpec of(String rule) {
    return new RuleSpec(rule, Map.of());
  }

  @JsonCreator
  public static RuleSpec fromMap(Map<String, Object> raw) {
    Map<String, String> params = new TreeMap<>();
    Object rule = null;
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      if ("rule".equals(e.getKey())) {
        rule = e.getValue();
      } else {
        params.put(e.getKey(), e.getValue() == null ? null : String.valueOf(e.getValue()));
      }
    }
    return new RuleSpec(rule == null ? null : String.valueOf(rule), params);
  }

  @JsonValue
  public Map<String, String> toMap() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("rule", rule);
    out.putAll(new TreeMap<>(params));
    return out;
  }
}
