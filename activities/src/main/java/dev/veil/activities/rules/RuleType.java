package dev.veil.activities.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A rule as the catalogue knows it: name, parameters, the column types it fits, and a factory. */
public abstract class RuleType {

  private final String name;
  private final String description;
  private final Set<String> params;

  protected RuleType(String name, String description, Set<String> params) {
    this.name = name;
    this.description = description;
    this.params = params;
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public Set<String> params() {
    return params;
  }

  /** Whether the rule needs the masking key. */
  public boolean keyed() {
    return false;
  }

  /** Whether the rule writes text, so the column must be of a string type. */
  public boolean textOnly() {
    return true;
  }

  /** Whether the rule writes NULL, so the column must be nullable. */
  public boolean writesNull() {
    return false;
  }

  /** Longest value it writes, in characters, or -1 if it depends on the input. */
  public int maxLength(Map<String, String> params) {
    return -1;
  }

  /** Checks parameters; each problem as {@code "param: reason"}. */
  public List<String> validate(Map<String, String> given) {
    List<String> errors = new ArrayList<>();
    for (String key : given.keySet()) {
      if (!params.contains(key)) {
        errors.add(key + ": unknown parameter of rule '" + name + "'"
            + (params.isEmpty() ? " (it takes none)" : " (allowed: " + String.join(", ", params) + ")"));
      }
    }
    validateValues(given, errors);
    return errors;
  }

  protected void validateValues(Map<String, String> given, List<String> errors) {}

  /** Builds the transform for one column of one task. */
  public abstract ValueTransform create(Map<String, String> params, RuleContext context);

  protected static Integer intParam(
      Map<String, String> given, String key, int min, int max, List<String> errors) {
    String raw = given.get(key);
    if (raw == null) {
      return null;
    }
    try {
      int value = Integer.parseInt(raw.trim());
      if (value < min || value > max) {
        errors.add(key + ": must be between " + min + " and " + max + ", got " + value);
        return null;
      }
      return value;
    } catch (NumberFormatException e) {
      errors.add(key + ": must be an integer");
      return null;
    }
  }

  protected static int intParam(Map<String, String> given, String key, int fallback) {
    String raw = given.get(key);
    return raw == null ? fallback : Integer.parseInt(raw.trim());
  }
}
