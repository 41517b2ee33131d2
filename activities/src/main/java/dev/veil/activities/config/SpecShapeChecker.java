package dev.veil.activities.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SubsetSpec;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a parsed document against the shape of the spec records before Jackson binds it, so that
 * every unknown field and every wrongly typed value is reported at once, by path, in plain words.
 * Jackson alone stops at the first problem and words it for Java developers.
 *
 * <p>The shape is read from the record components themselves, so a field added to a spec record
 * is accepted here without further change. {@code null} values count as absent (the validator
 * reports the required ones).
 *
 * <p>{@link #checkAndPrune} also removes every offending field, element or entry from the
 * document, so that the rest can still be bound and validated: a spec's structural and value
 * problems are then reported together, in one round.
 */
final class SpecShapeChecker {

  private SpecShapeChecker() {}

  /**
   * The shape problems of a document, and the paths of what was removed from it because of them.
   */
  record Result(List<String> problems, List<String> prunedPaths) {}

  /**
   * Every shape problem of a whole spec document, in document order; removes from {@code root}
   * each unknown field and each value of the wrong type, so that what is left binds.
   */
  static Result checkAndPrune(JsonNode root) {
    List<String> problems = new ArrayList<>();
    List<String> pruned = new ArrayList<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      problems.add(FieldPaths.problem("", "empty document (expected the fields of a pipeline)"));
    } else if (!root.isObject()) {
      problems.add(FieldPaths.problem("", "expected a mapping of pipeline fields"));
    } else {
      check(root, PipelineSpec.class, "", problems, pruned);
    }
    return new Result(problems, pruned);
  }

  /** Checks a value; false when it has the wrong type as a whole (its parent then removes it). */
  private static boolean check(
      JsonNode node, Type type, String path, List<String> problems, List<String> pruned) {
    int before = problems.size();
    checkValue(node, type, path, problems, pruned);
    return problems.size() == before || !problems.get(before).startsWith(
        FieldPaths.problem(path, "expected"));
  }

  private static void checkValue(
      JsonNode node, Type type, String path, List<String> problems, List<String> pruned) {
    if (node == null || node.isNull()) {
      return;
    }
    Class<?> raw = rawClass(type);
    if (raw == RuleSpec.class) {
      checkRule(node, path, problems, pruned);
    } else if (raw == SubsetSpec.Root.class && node.isTextual()) {
      return; // a subset root may be written as its bare condition
    } else if (raw.isRecord()) {
      checkRecord(node, raw, path, problems, pruned);
    } else if (raw == String.class) {
      if (!node.isValueNode()) {
        problems.add(FieldPaths.problem(path, "expected a text value"));
      }
    } else if (raw == Integer.class || raw == int.class) {
      if (!node.isIntegralNumber() || !node.canConvertToInt()) {
        problems.add(FieldPaths.problem(path, "expected an integer"));
      }
    } else if (raw == Long.class || raw == long.class) {
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        problems.add(FieldPaths.problem(path, "expected an integer"));
      }
    } else if (raw == Double.class || raw == double.class) {
      if (!node.isNumber()) {
        problems.add(FieldPaths.problem(path, "expected a number"));
      }
    } else if (raw == Boolean.class || raw == boolean.class) {
      if (!node.isBoolean()) {
        problems.add(FieldPaths.problem(path, "expected true or false"));
      }
    } else if (raw.isEnum()) {
      checkEnum(node, raw, path, problems);
    } else if (List.class.isAssignableFrom(raw)) {
      checkList(node, typeArgument(type, 0), path, problems, pruned);
    } else if (Map.class.isAssignableFrom(raw)) {
      checkMap(node, typeArgument(type, 1), path, problems, pruned);
    }
    // Any other type is left to Jackson; SpecLoader translates its failure too.
  }

  private static void checkRecord(
      JsonNode node, Class<?> record, String path, List<String> problems, List<String> pruned) {
    if (!node.isObject()) {
      problems.add(FieldPaths.problem(path, "expected a mapping"));
      return;
    }
    RecordComponent[] components = record.getRecordComponents();
    List<String> remove = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String fieldPath = FieldPaths.field(path, field.getKey());
      RecordComponent component = Arrays.stream(components)
          .filter(c -> jsonName(c).equals(field.getKey()))
          .findFirst()
          .orElse(null);
      if (component == null) {
        problems.add(FieldPaths.problem(fieldPath, "unknown field (allowed: "
            + Arrays.stream(components).map(SpecShapeChecker::jsonName)
                .collect(Collectors.joining(", ")) + ")"));
        remove.add(field.getKey());
      } else if (!check(field.getValue(), component.getGenericType(), fieldPath, problems, pruned)) {
        remove.add(field.getKey());
      }
    }
    removeFields((ObjectNode) node, path, remove, pruned);
  }

  private static void removeFields(
      ObjectNode node, String path, List<String> names, List<String> pruned) {
    for (String name : names) {
      node.remove(name);
      pruned.add(FieldPaths.field(path, name));
    }
  }

  /** A rule is {@code {rule: name, param: value, …}}; parameters are single values. */
  private static void checkRule(
      JsonNode node, String path, List<String> problems, List<String> pruned) {
    if (!node.isObject()) {
      problems.add(FieldPaths.problem(path, "expected a mapping such as {rule: email}"));
      return;
    }
    List<String> remove = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!field.getValue().isValueNode()) {
        problems.add(FieldPaths.problem(FieldPaths.field(path, field.getKey()),
            "expected a single value"));
        remove.add(field.getKey());
      }
    }
    removeFields((ObjectNode) node, path, remove, pruned);
  }

  private static void checkEnum(JsonNode node, Class<?> type, String path, List<String> problems) {
    List<String> names = Arrays.stream(type.getEnumConstants())
        .map(c -> ((Enum<?>) c).name())
        .collect(Collectors.toList());
    if (!node.isTextual() || !names.contains(node.textValue())) {
      problems.add(FieldPaths.problem(path, "expected one of " + String.join(", ", names)));
    }
  }

  private static void checkList(
      JsonNode node, Type element, String path, List<String> problems, List<String> pruned) {
    if (!node.isArray()) {
      problems.add(FieldPaths.problem(path, "expected a list"));
      return;
    }
    List<Integer> remove = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      if (!check(node.get(i), element, FieldPaths.index(path, i), problems, pruned)) {
        remove.add(i);
      }
    }
    for (int i = remove.size() - 1; i >= 0; i--) {
      ((ArrayNode) node).remove(remove.get(i));
      // the validator then sees a shorter list: what it says of this list's indexes is left out
      pruned.add(path);
    }
  }

  private static void checkMap(
      JsonNode node, Type value, String path, List<String> problems, List<String> pruned) {
    if (!node.isObject()) {
      problems.add(FieldPaths.problem(path, "expected a mapping"));
      return;
    }
    List<String> remove = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!check(entry.getValue(), value, FieldPaths.field(path, entry.getKey()), problems,
          pruned)) {
        remove.add(entry.getKey());
      }
    }
    removeFields((ObjectNode) node, path, remove, pruned);
  }

  private static String jsonName(RecordComponent component) {
    JsonProperty renamed = component.getAnnotation(JsonProperty.class);
    if (renamed == null) {
      renamed = component.getAccessor().getAnnotation(JsonProperty.class);
    }
    return renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName();
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    return Object.class;
  }

  private static Type typeArgument(Type type, int index) {
    if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
      return p.getActualTypeArguments()[index];
    }
    return Object.class;
  }
}
