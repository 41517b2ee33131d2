package dev.veil.activities.rules;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rule as the catalogue knows it: name, parameters, the column types it accepts, what it
 * guarantees (deterministic, unique for unique inputs) and a factory for its transform. Values
 * reach a transform in the column type's binary COPY format and must leave it in that format.
 */
public abstract class RuleType {

  /** The string kinds: text, varchar, char, name, citext. */
  protected static final Set<PgKind> TEXT = EnumSet.of(PgKind.TEXT);

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

  /** The base kinds the rule decodes; arrays of them are transformed element by element. */
  public Set<PgKind> kinds() {
    return TEXT;
  }

  /** Whether the rule writes any value of any type (null, passthrough, replacement). */
  public boolean anyType() {
    return false;
  }

  /** Whether the rule accepts a column of this type (a string domain counts as text). */
  public boolean accepts(ColumnType type, boolean stringCategory) {
    if (anyType()) {
      return true;
    }
    if (kinds().contains(type.kind())) {
      return true;
    }
    return !type.array() && type.kind() == PgKind.OTHER && stringCategory
        && kinds().contains(PgKind.TEXT);
  }

  /** Whether the same input always gives the same output under the same key (joins survive). */
  public boolean deterministic() {
    return keyed();
  }

  /**
   * Whether distinct inputs always give distinct outputs with these parameters, so the rule may
   * run on a UNIQUE or PRIMARY KEY column.
   */
  public boolean uniquePreserving(Map<String, String> params) {
    return false;
  }

  /** Whether the rule writes NULL, so the column must be nullable. */
  public boolean writesNull() {
    return false;
  }

  /** Longest value it writes, in characters, or -1 if it depends on the input. */
  public int maxLength(Map<String, String> params) {
    return -1;
  }

  /** Other columns of the row the rule reads (checked against the table at plan time). */
  public java.util.List<String> referencedColumns(Map<String, String> params) {
    return java.util.List.of();
  }

  /** Checks parameters; each problem as {@code "param: reason"}. */
  public List<String> validate(Map<String, String> given) {
    List<String> errors = new ArrayList<>();
    for (String key : given.keySet()) {
      if (!acceptsParam(key)) {
        errors.add(key + ": unknown parameter of rule '" + name + "'"
            + (params.isEmpty() ? " (it takes none)" : " (allowed: " + String.join(", ", new java.util.TreeSet<>(params)) + ")"));
      }
    }
    validateValues(given, errors);
    return errors;
  }

  protected boolean acceptsParam(String key) {
    return params.contains(key);
  }

  protected void validateValues(Map<String, String> given, List<String> errors) {}

  /**
   * Builds the transform for one column of one task. For an array column of a kind the rule
   * decodes, the transform is applied to every element.
   */
  public ValueTransform create(Map<String, String> params, RuleContext context) {
    ColumnType type = context.type();
    if (type.array() && !anyType()) {
      ValueTransform element = createForValue(params, context.withType(type.element()));
      if (element instanceof RowTransform rowElement) {
        return (RowTransform) (value, row) -> {
          PgBinary.PgArray array = PgBinary.readArray(value);
          byte[][] elements = array.elements();
          for (int i = 0; i < elements.length; i++) {
            if (elements[i] != null) {
              elements[i] = rowElement.apply(elements[i], row);
            }
          }
          return PgBinary.writeArray(array);
        };
      }
      return value -> {
        PgBinary.PgArray array = PgBinary.readArray(value);
        byte[][] elements = array.elements();
        for (int i = 0; i < elements.length; i++) {
          if (elements[i] != null) {
            elements[i] = element.apply(elements[i]);
          }
        }
        return PgBinary.writeArray(array);
      };
    }
    return createForValue(params, context);
  }

  /** Builds the transform of one scalar value of {@code context.type()}. */
  protected abstract ValueTransform createForValue(Map<String, String> params, RuleContext context);

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

  protected static Double doubleParam(
      Map<String, String> given, String key, double min, double max, List<String> errors) {
    String raw = given.get(key);
    if (raw == null) {
      return null;
    }
    try {
      double value = Double.parseDouble(raw.trim());
      if (!(value >= min && value <= max)) {
        errors.add(key + ": must be between " + min + " and " + max + ", got " + raw.trim());
        return null;
      }
      return value;
    } catch (NumberFormatException e) {
      errors.add(key + ": must be a number");
      return null;
    }
  }

  protected static void oneOf(
      Map<String, String> given, String key, List<String> allowed, List<String> errors) {
    String raw = given.get(key);
    if (raw != null && !allowed.contains(raw)) {
      errors.add(key + ": must be one of " + String.join(", ", allowed) + ", got '" + raw + "'");
    }
  }

  protected static boolean boolParam(
      Map<String, String> given, String key, List<String> errors) {
    String raw = given.get(key);
    if (raw != null && !raw.equals("true") && !raw.equals("false")) {
      errors.add(key + ": must be true or false");
    }
    return "true".equals(raw);
  }
}
