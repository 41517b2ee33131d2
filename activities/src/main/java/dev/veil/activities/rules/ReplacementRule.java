package dev.veil.activities.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** A fixed value, checked against the column type at plan time. */
final class ReplacementRule extends RuleType {
  ReplacementRule() {
    super("replacement", "replaces every non-NULL value with a fixed value", Set.of("value"));
  }

  @Override
  public boolean anyType() {
    return true;
  }

  @Override
  public boolean deterministic() {
    return true;
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    if (!given.containsKey("value") || given.get("value") == null) {
      errors.add("value: required (use rule 'null' to write NULL)");
    }
  }

  @Override
  public int maxLength(Map<String, String> params) {
    String value = params.get("value");
    return value == null ? -1 : value.length();
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    byte[] fixed = context.encoder().encode(params.get("value"));
    return value -> fixed;
  }
}
