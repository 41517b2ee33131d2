package dev.veil.activities.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.veil.activities.rules.Presets;
import dev.veil.workflows.spec.PipelineSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads pipeline specs from YAML or JSON and writes them back.
 *
 * <p>Reading is strict: unknown fields, wrongly typed values, duplicate keys, YAML aliases and
 * more than one document are rejected. Every problem is reported as {@code "<field path>:
 * <reason>"} (for example {@code tables.options.public.orders.wher: unknown field (allowed:
 * where, sample, mode)} or {@code maxActiveTasks: expected an integer}) inside an {@link
 * InvalidSpecException}; parser messages and stack texts never leak into it. Syntax errors are
 * reported against {@code (document)} with their line and column.
 *
 * <p>In YAML, {@code rule: null} is YAML's null; it is read as the rule named {@code null}.
 *
 * <p><b>File name and id.</b> A spec file is named after its pipeline: {@code demo.yaml} holds
 * pipeline {@code demo}. The {@code id} field may be left out, in which case it is the file name
 * without its extension; when it is present it must equal that name.
 */
public final class SpecLoader {

  /** Largest spec accepted, in bytes (or characters, for text). */
  public static final int MAX_SPEC_SIZE = 1024 * 1024;

  private static final String UNNAMED = "(unnamed)";

  private static final ObjectMapper JSON = strict(JsonMapper.builder())
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  private static final ObjectMapper YAML = strict(YAMLMapper.builder())
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  private SpecLoader() {}

  private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B strict(B builder) {
    return builder
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .defaultPropertyInclusion(
            JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));
  }

  /**
   * Parses a spec without validating its values (see {@link SpecValidator}); only the structure is
   * checked: known fields, value types, one document.
   *
   * @throws InvalidSpecException with every structural problem found
   */
  public static PipelineSpec parse(String text, SpecFormat format) {
    if (text.length() > MAX_SPEC_SIZE) {
      throw new InvalidSpecException(UNNAMED, List.of(tooLarge()));
    }
    Document document = readDocument(text, format, UNNAMED);
    if (!document.problems().isEmpty()) {
      throw new InvalidSpecException(nameOf(document.root()), document.problems());
    }
    return bind(document.root(), nameOf(document.root()));
  }

  /**
   * Parses a spec and validates it with {@link SpecValidator}.
   *
   * @throws InvalidSpecException with every structural and every validation problem, in one round
   */
  public static PipelineSpec parseValid(String text, SpecFormat format) {
    if (text.length() > MAX_SPEC_SIZE) {
      throw new InvalidSpecException(UNNAMED, List.of(tooLarge()));
    }
    Document document = readDocument(text, format, UNNAMED);
    String name = nameOf(document.root());
    return bindAndValidate(document, name, List.of());
  }

  /**
   * Reads, parses and validates a spec file; the format comes from the extension, the id from the
   * file name as described in the class documentation. The version is left as written.
   *
   * @throws InvalidSpecException with every problem found, named after the file
   * @throws IllegalArgumentException if the file is not named {@code *.yaml}, {@code *.yml} or
   *     {@code *.json}
   * @throws UncheckedIOException if the file cannot be read
   */
  public static PipelineSpec load(Path file) {
    String fileName = String.valueOf(file.getFileName());
    requireSpecFileName(fileName);
    try {
      if (Files.size(file) > MAX_SPEC_SIZE) {
        throw new InvalidSpecException(SpecFormat.baseName(fileName), List.of(tooLarge()));
      }
      return load(fileName, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read pipeline spec " + file, e);
    }
  }

  /**
   * Parses and validates the content of a spec file named {@code fileName} (a name, not a path),
   * as {@link #load(Path)} does.
   */
  public static PipelineSpec load(String fileName, byte[] content) {
    SpecFormat format = requireSpecFileName(fileName);
    String fileId = SpecFormat.baseName(fileName);
    if (content.length > MAX_SPEC_SIZE) {
      throw new InvalidSpecException(fileId, List.of(tooLarge()));
    }
    Document document = readDocument(decodeUtf8(content, fileId), format, fileId);
    ObjectNode root = document.root();
    List<String> problems = new ArrayList<>();
    JsonNode id = root.get("id");
    if (id == null || id.isNull()) {
      root.put("id", fileId);
    } else if (!fileId.equals(id.asText())) {
      problems.add(FieldPaths.problem("id",
          "must equal the file name without extension ('" + FieldPaths.printable(fileId) + "')"));
    }
    return bindAndValidate(document, fileId, problems);
  }

  /**
   * Binds what the shape check left of a document and validates it: the shape problems, {@code
   * more} and the validator's problems, all in one {@link InvalidSpecException}. What the
   * validator says of a removed field (such as "required") is left out: its shape problem says
   * it.
   */
  private static PipelineSpec bindAndValidate(Document document, String name, List<String> more) {
    List<String> problems = new ArrayList<>(document.problems());
    problems.addAll(more);
    PipelineSpec spec;
    try {
      spec = bind(document.root(), name);
    } catch (InvalidSpecException e) {
      problems.addAll(e.problems());
      throw new InvalidSpecException(name, problems);
    }
    for (String problem : SpecValidator.validate(spec)) {
      if (document.prunedPaths().stream().noneMatch(path -> under(problem, path))) {
        problems.add(problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(name, problems);
    }
    return spec;
  }

  /** Whether a problem is about the field at {@code path} or inside it. */
  private static boolean under(String problem, String path) {
    return problem.startsWith(path + ":") || problem.startsWith(path + ".")
        || problem.startsWith(path + "[");
  }

  /** A document that parsed, what the shape check left of it, and the problems it found. */
  private record Document(ObjectNode root, List<String> problems, List<String> prunedPaths) {}

  /**
   * Writes a spec as YAML or JSON that {@link #parse} reads back to an equal spec. Absent (null)
   * fields are left out.
   */
  public static String write(PipelineSpec spec, SpecFormat format) {
    try {
      String text = mapper(format).writeValueAsString(spec);
      return text.endsWith("\n") ? text : text + "\n";
    } catch (JsonProcessingException e) {
      // Only plain records, strings and numbers are written; this cannot fail short of a bug.
      throw new IllegalStateException("cannot write pipeline spec", e);
    }
  }

  private static ObjectMapper mapper(SpecFormat format) {
    return format == SpecFormat.YAML ? YAML : JSON;
  }

  private static SpecFormat requireSpecFileName(String fileName) {
    return SpecFormat.ofFileName(fileName).orElseThrow(() -> new IllegalArgumentException(
        "not a pipeline spec file name (expected *.yaml, *.yml or *.json): " + fileName));
  }

  private static String tooLarge() {
    return FieldPaths.problem("", "larger than " + MAX_SPEC_SIZE + " bytes");
  }

  private static String decodeUtf8(byte[] content, String name) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(content))
          .toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw new InvalidSpecException(name, List.of(FieldPaths.problem("", "not UTF-8 text")));
    }
  }

  /**
   * Syntax and structure: everything short of binding. Syntax problems, and a document that is
   * not a mapping, are thrown at once; the other structural problems come back with the document,
   * whose offending parts are removed.
   */
  private static Document readDocument(String text, SpecFormat format, String name) {
    ObjectMapper mapper = mapper(format);
    List<String> problems = scan(text, mapper, format);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(name, problems);
    }
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      // scan() read the same text without error; kept for safety.
      throw new InvalidSpecException(name, List.of(describeSyntax(e, format)));
    }
    readPresetShorthand(root);
    problems = new java.util.ArrayList<>(readJsonPathRuleObjects(root));
    SpecShapeChecker.Result shape = SpecShapeChecker.checkAndPrune(root);
    problems.addAll(shape.problems());
    if (!(root instanceof ObjectNode object)) {
      throw new InvalidSpecException(UNNAMED.equals(name) ? nameOf(root) : name, problems);
    }
    return new Document(object, problems, shape.prunedPaths());
  }

  /**
   * Streams through the document once for what the tree model hides: syntax errors with their
   * position, duplicate keys, YAML aliases (read as their anchor's name) and further documents
   * (silently ignored by the tree reader).
   */
  private static List<String> scan(String text, ObjectMapper mapper, SpecFormat format) {
    List<String> problems = new ArrayList<>();
    try (JsonParser parser = mapper.createParser(text)) {
      int depth = 0;
      boolean rootDone = false;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (rootDone) {
          problems.add(FieldPaths.problem("",
              "more than one document (a spec holds exactly one pipeline)"));
          break;
        }
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
          problems.add(FieldPaths.problem(FieldPaths.of(parser.getParsingContext()),
              "YAML aliases (*name) are not supported"));
        }
        if (token.isStructStart()) {
          depth++;
        } else if (token.isStructEnd()) {
          depth--;
        }
        rootDone = depth == 0 && token != JsonToken.FIELD_NAME;
      }
    } catch (JacksonException e) {
      problems.add(describeSyntax(e, format));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading from a String
    }
    return problems;
  }

  private static PipelineSpec bind(ObjectNode root, String name) {
    readRuleNullAsName(root);
    try {
      return JSON.treeToValue(root, PipelineSpec.class);
    } catch (JsonMappingException e) {
      throw new InvalidSpecException(name, List.of(describeBinding(e)));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new InvalidSpecException(name, List.of(FieldPaths.problem("", "invalid value")));
    }
  }

  /**
   * {@code rules: {preset: pii-default}} names a preset: it is kept as the rule entry
   * {@code preset} with the single parameter {@code preset}, which the validator checks and the
   * planner expands against the real columns.
   */
  private static void readPresetShorthand(JsonNode root) {
    if (root instanceof ObjectNode object && object.get("rules") instanceof ObjectNode rules
        && rules.get(Presets.KEY) != null && rules.get(Presets.KEY).isTextual()) {
      ObjectNode preset = rules.objectNode();
      preset.put(Presets.KEY, rules.get(Presets.KEY).asText());
      rules.set(Presets.KEY, preset);
    }
  }

  /**
   * Inside a {@code json} rule, {@code "$.to": {rule: email}} is read as {@code "$.to": email},
   * the form the rule takes. A nested rule's own parameters cannot be given there yet: each such
   * path is a problem naming it.
   */
  private static List<String> readJsonPathRuleObjects(JsonNode root) {
    List<String> problems = new java.util.ArrayList<>();
    if (!(root instanceof ObjectNode object) || !(object.get("rules") instanceof ObjectNode rules)) {
      return problems;
    }
    for (Map.Entry<String, JsonNode> entry : rules.properties()) {
      if (!(entry.getValue() instanceof ObjectNode rule)
          || !"json".equals(rule.path("rule").asText(null))) {
        continue;
      }
      for (Map.Entry<String, JsonNode> path : rule.properties()) {
        if (!path.getKey().startsWith("$.") || !(path.getValue() instanceof ObjectNode nested)) {
          continue;
        }
        JsonNode name = nested.get("rule");
        if (name == null || !name.isTextual()) {
          problems.add(FieldPaths.problem("rules." + entry.getKey() + "." + path.getKey(),
              "give the rule as {rule: NAME}"));
        } else if (nested.size() > 1) {
          problems.add(FieldPaths.problem("rules." + entry.getKey() + "." + path.getKey(),
              "parameters of a rule at a JSON path are not supported; the rule runs with its"
                  + " defaults ({rule: " + name.asText() + "})"));
        } else {
          path.setValue(rule.textNode(name.asText()));
        }
      }
    }
    return problems;
  }

  /** {@code rule: null} means the rule named "null", not a missing rule. */
  private static void readRuleNullAsName(ObjectNode root) {
    if (root.get("rules") instanceof ObjectNode rules) {
      for (Map.Entry<String, JsonNode> entry : rules.properties()) {
        if (entry.getValue() instanceof ObjectNode rule
            && rule.has("rule") && rule.get("rule").isNull()) {
          rule.put("rule", "null");
        }
      }
    }
  }

  private static String nameOf(JsonNode root) {
    JsonNode id = root == null ? null : root.get("id");
    return id != null && id.isValueNode() && !id.isNull()
        ? FieldPaths.printable(id.asText()) : UNNAMED;
  }

  private static String describeSyntax(JacksonException e, SpecFormat format) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (original.startsWith("Duplicate field") && e.getProcessor() instanceof JsonParser parser) {
      return FieldPaths.problem(FieldPaths.of(parser.getParsingContext()), "duplicate key");
    }
    StringBuilder reason = new StringBuilder("invalid ").append(format.name());
    if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
      reason.append(" at line ").append(e.getLocation().getLineNr())
          .append(", column ").append(e.getLocation().getColumnNr());
    }
    String problem = problemLine(original);
    if (!problem.isEmpty()) {
      reason.append(": ").append(problem);
    }
    return FieldPaths.problem("", reason.toString());
  }

  /**
   * The parser's own words without the document excerpt it quotes: SnakeYAML writes context and
   * problem lines flush left and excerpts indented, Jackson writes one line.
   */
  private static String problemLine(String original) {
    String problem = "";
    for (String line : original.split("\n")) {
      if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
        problem = line.strip();
      }
    }
    return FieldPaths.printable(problem);
  }

  private static String describeBinding(JsonMappingException e) {
    String path = FieldPaths.of(e.getPath());
    if (e instanceof UnrecognizedPropertyException unknown) {
      String allowed = unknown.getKnownPropertyIds() == null ? ""
          : unknown.getKnownPropertyIds().stream().map(String::valueOf)
              .collect(Collectors.joining(", "));
      return FieldPaths.problem(path, "unknown field (allowed: " + allowed + ")");
    }
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return FieldPaths.problem(path, "expected " + describe(mismatch.getTargetType()));
    }
    return FieldPaths.problem(path, "invalid value");
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == String.class) {
      return "a text value";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getEnumConstants())
          .map(c -> ((Enum<?>) c).name()).collect(Collectors.joining(", "));
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a mapping";
  }
}
