package dev.veil.activities.rules;

import java.util.Map;
import java.util.Set;

/** Copies the value: marks a column as reviewed and safe for {@code unmatchedColumns: fail}. */
final class PassthroughRule extends RuleType {
  PassthroughRule() {
    super("passthrough", "copies the value unchanged (the column was reviewed: not PII)", Set.of());
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
  public boolean uniquePreserving(Map<String, String> params) {
    return true;
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    return value -> value;
  }
}
