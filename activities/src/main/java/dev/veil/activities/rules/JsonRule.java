package dev.veil.activities.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Applies text rules to paths inside json/jsonb values and leaves the rest alone. Each parameter
 * whose name starts with {@code $.} is a path ({@code $.contact.email}) and its value the rule
 * applied there with its defaults ({@code "$.contact.email": email}). Arrays met on the way are
 * walked element by element. Scalars at a path are read as text; the rule's output is written as
 * a JSON string ({@code null} writes JSON null). Paths that are absent are skipped.
 */
final class JsonRule extends RuleType {
  private static final Pattern PATH = Pattern.compile("\\$(\\.[A-Za-z0-9_-]+)+");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  JsonRule() {
    super("json", "applies text rules at JSON paths: {\"$.a.b\": email, …}", Set.of());
  }

  @Override
  protected boolean acceptsParam(String key) {
    return key.startsWith("$.");
  }

  @Override
  public Set<PgKind> kinds() {
    return EnumSet.of(PgKind.JSON, PgKind.JSONB);
  }

  @Override
  public boolean deterministic() {
    return false; // depends on the nested rules; joins on JSON values are not supported
  }

  @Override
  public List<String> validate(Map<String, String> given) {
    List<String> errors = super.validate(given);
    if (given.isEmpty()) {
      errors.add("$.path: give at least one path, as \"$.field\": rule");
    }
    for (Map.Entry<String, String> e : given.entrySet()) {
      if (!e.getKey().startsWith("$.")) {
        continue;
      }
      if (!PATH.matcher(e.getKey()).matches()) {
        errors.add(e.getKey() + ": path must look like $.field.subfield");
      }
      RuleType nested = Rules.find(e.getValue());
      if (nested == null || nested instanceof JsonRule
          || !(nested.anyType() ? nested.name().equals("null") : nested.kinds().contains(PgKind.TEXT))) {
        errors.add(e.getKey() + ": '" + e.getValue() + "' is not a text rule");
      } else {
        errors.addAll(nested.validate(Map.of()).stream().map(p -> e.getKey() + "." + p).toList());
      }
    }
    return errors;
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    boolean jsonb = context.type().kind() == PgKind.JSONB;
    Map<String[], ValueTransform> paths = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : params.entrySet()) {
      RuleType nested = Rules.find(e.getValue());
      String[] segments = e.getKey().substring(2).split("\\.");
      paths.put(segments,
          nested.create(Map.of(), new RuleContext(context.key(), context.column() + e.getKey(),
              context.encoder(), ColumnType.TEXT)));
    }
    return value -> {
      try {
        JsonNode root = MAPPER.readTree(PgBinary.readJson(value, jsonb));
        for (Map.Entry<String[], ValueTransform> p : paths.entrySet()) {
          apply(root, p.getKey(), 0, p.getValue());
        }
        return PgBinary.writeJson(MAPPER.writeValueAsString(root), jsonb);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("value of column " + context.column()
            + " is not valid JSON");
      }
    };
  }

  private static void apply(JsonNode node, String[] path, int depth, ValueTransform rule) {
    if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        apply(element, path, depth, rule);
      }
      return;
    }
    if (!(node instanceof ObjectNode object) || !object.has(path[depth])) {
      return;
    }
    JsonNode child = object.get(path[depth]);
    if (depth < path.length - 1) {
      apply(child, path, depth + 1, rule);
      return;
    }
    if (child instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, replace(array.get(i), rule));
      }
    } else {
      object.set(path[depth], replace(child, rule));
    }
  }

  private static JsonNode replace(JsonNode scalar, ValueTransform rule) {
    if (scalar.isNull() || scalar.isContainerNode()) {
      return scalar;
    }
    byte[] out = rule.apply(Bytes.utf8(scalar.asText()));
    return out == null ? JsonNodeFactory.instance.nullNode()
        : JsonNodeFactory.instance.textNode(Bytes.text(out));
  }
}
