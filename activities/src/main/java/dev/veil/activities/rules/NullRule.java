package dev.veil.activities.rules;

import java.util.Map;
import java.util.Set;

/** Writes SQL NULL. The column must be nullable. */
final class NullRule extends RuleType {
  NullRule() {
    super("null", "replaces every value with NULL", Set.of());
  }

  @Override
  public boolean anyType() {
    return true;
  }

  @Override
  public boolean writesNull() {
    return true;
  }

  @Override
  public boolean deterministic() {
    return true;
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    return value -> null;
  }
}
