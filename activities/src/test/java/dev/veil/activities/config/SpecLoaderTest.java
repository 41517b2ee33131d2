package dev.veil.activities.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.TableMode;
import dev.veil.workflows.spec.UnmatchedColumns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {

  static final String FULL_YAML = """
      id: shop
      schedule: "0 3 * * 1-5"
      maxActiveTasks: 8
      executor: {taskTimeoutMinutes: 120, heartbeatTimeoutSeconds: 60, maxAttempts: 3}
      source: {connection: prod-db, schemas: [public, sales]}
      target: {connection: twin-db}
      tables:
        include: [public.*, sales.order*]
        exclude: [public.audit_*]
        options:
          sales.orders: {where: "created_at > now() - interval '90 days'", sample: 12.5, mode: copy}
          public.big_log: {mode: schema}
        chunkRows: 250000
      rules:
        public.users.email: {rule: email, domain: example.org}
        public.users.token: {rule: hash, format: base64, length: 16}
        public.users.note: {rule: null}
        sales.orders.notes: {rule: replacement, value: redacted}
      unmatchedColumns: fail
      resources: {cpu: 500m, memory: 1Gi}
      nodeSelector: {kubernetes.io/os: linux, pool: batch}
      tolerations:
        - {key: dedicated, operator: Equal, value: veil, effect: NoSchedule}
        - {operator: Exists, effect: NoExecute, tolerationSeconds: 300}
      """;

  static final String FULL_JSON = """
      {
        "id": "shop",
        "schedule": "0 3 * * 1-5",
        "maxActiveTasks": 8,
        "executor": {"taskTimeoutMinutes": 120, "heartbeatTimeoutSeconds": 60, "maxAttempts": 3},
        "source": {"connection": "prod-db", "schemas": ["public", "sales"]},
        "target": {"connection": "twin-db"},
        "tables": {
          "include": ["public.*", "sales.order*"],
          "exclude": ["public.audit_*"],
          "options": {
            "sales.orders": {"where": "created_at > now() - interval '90 days'", "sample": 12.5,
                             "mode": "copy"},
            "public.big_log": {"mode": "schema"}
          },
          "chunkRows": 250000
        },
        "rules": {
          "public.users.email": {"rule": "email", "domain": "example.org"},
          "public.users.token": {"rule": "hash", "format": "base64", "length": 16},
          "public.users.note": {"rule": "null"},
          "sales.orders.notes": {"rule": "replacement", "value": "redacted"}
        },
        "unmatchedColumns": "fail",
        "resources": {"cpu": "500m", "memory": "1Gi"},
        "nodeSelector": {"kubernetes.io/os": "linux", "pool": "batch"},
        "tolerations": [
          {"key": "dedicated", "operator": "Equal", "value": "veil", "effect": "NoSchedule"},
          {"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
        ]
      }
      """;

  @Test
  void fullYamlSpecIsValidAndReadsEveryField() {
    PipelineSpec spec = SpecLoader.parseValid(FULL_YAML, SpecFormat.YAML);

    assertEquals("shop", spec.id());
    assertEquals("0 3 * * 1-5", spec.schedule());
    assertEquals(8, spec.effectiveMaxActiveTasks());
    assertEquals(3, spec.effectiveExecutor().maxAttempts());
    assertEquals(List.of("public", "sales"), spec.source().schemas());
    assertEquals(12.5, spec.tables().options().get("sales.orders").sample());
    assertEquals(TableMode.schema, spec.tables().options().get("public.big_log").effectiveMode());
    assertEquals(250_000L, spec.tables().effectiveChunkRows());
    assertEquals(new RuleSpec("hash", Map.of("format", "base64", "length", "16")),
        spec.rules().get("public.users.token"));
    assertEquals(UnmatchedColumns.fail, spec.unmatchedColumns());
    assertEquals("1Gi", spec.resources().memory());
    assertEquals("linux", spec.nodeSelector().get("kubernetes.io/os"));
    assertEquals(300L, spec.tolerations().get(1).tolerationSeconds());
  }

  @Test
  void sameSpecAsYamlAndAsJsonParsesToEqualRecords() {
    assertEquals(SpecLoader.parseValid(FULL_YAML, SpecFormat.YAML),
        SpecLoader.parseValid(FULL_JSON, SpecFormat.JSON));
  }

  @Test
  void yamlRuleNullIsTheRuleNamedNull() {
    PipelineSpec spec = SpecLoader.parse(FULL_YAML, SpecFormat.YAML);

    assertEquals(RuleSpec.of("null"), spec.rules().get("public.users.note"));
  }

  @Test
  void writtenYamlAndJsonReadBackToTheSameSpec() {
    PipelineSpec spec = SpecLoader.parse(FULL_YAML, SpecFormat.YAML).withVersion("abc123");

    for (SpecFormat format : SpecFormat.values()) {
      String text = SpecLoader.write(spec, format);
      assertEquals(spec, SpecLoader.parse(text, format), text);
    }
  }

  @Test
  void writerLeavesAbsentFieldsOut() {
    PipelineSpec spec = SpecLoader.parse(
        "id: shop\nsource: {connection: prod}\ntarget: {connection: twin}\n", SpecFormat.YAML);

    assertEquals("""
        id: shop
        source:
          connection: prod
        target:
          connection: twin
        """, SpecLoader.write(spec, SpecFormat.YAML));
  }

  @Test
  void demoPipelineOfTheRepositoryLoads() {
    PipelineSpec demo = SpecLoader.load(repositoryFile("pipelines/demo.yaml"));

    assertEquals("demo", demo.id());
    assertEquals(2, demo.effectiveMaxActiveTasks());
    assertEquals("demo-source", demo.source().connection());
    assertEquals("demo-target", demo.target().connection());
    assertEquals(List.of("public.*"), demo.tables().include());
    assertEquals(7, demo.rules().size());
    assertEquals(RuleSpec.of("null"), demo.rules().get("public.customers.street"));
    assertEquals(RuleSpec.of("null"), demo.rules().get("public.orders.shipping_address"));
    assertEquals(new RuleSpec("replacement", Map.of("value", "Jane")),
        demo.rules().get("public.customers.first_name"));
    assertEquals(new RuleSpec("random_string", Map.of("length", "10")),
        demo.rules().get("public.customers.phone"));
  }

  @Test
  void idDefaultsToTheFileName() {
    PipelineSpec spec = SpecLoader.load("nightly.yml",
        "source: {connection: prod}\ntarget: {connection: twin}\n".getBytes(StandardCharsets.UTF_8));

    assertEquals("nightly", spec.id());
  }

  @Test
  void idThatDiffersFromTheFileNameIsRejected() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.load(
        "nightly.json",
        "{\"id\": \"daily\", \"source\": {\"connection\": \"prod\"}, \"target\": {\"connection\": \"twin\"}}"
            .getBytes(StandardCharsets.UTF_8)));

    assertEquals("nightly", e.pipeline());
    assertEquals(List.of("id: must equal the file name without extension ('nightly')"), e.problems());
  }

  @Test
  void fileProblemsIncludeValidationProblems() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.load(
        "nightly.yaml", "source: {connection: prod}\n".getBytes(StandardCharsets.UTF_8)));

    assertEquals(List.of("target: required"), e.problems());
  }

  @Test
  void structuralAndValueProblemsAreReportedInOneRound() {
    String yaml = """
        id: shop
        foo: 1
        maxActiveTasks: 0
        source: {connection: prod-db, schemas: [public, {not: text}]}
        target: nope
        tables: {chunkRows: lots, include: [public.*]}
        rules:
          public.users.email: {rule: no_such_rule}
        """;
    List<List<String>> rounds = List.of(
        assertThrows(InvalidSpecException.class, () -> SpecLoader.parseValid(yaml, SpecFormat.YAML))
            .problems(),
        assertThrows(InvalidSpecException.class,
            () -> SpecLoader.load("shop.yaml", yaml.getBytes(StandardCharsets.UTF_8))).problems());
    for (List<String> problems : rounds) {
      String all = String.join("\n", problems);
      assertTrue(all.contains("foo: unknown field"), all);
      assertTrue(all.contains("source.schemas[1]: expected a text value"), all);
      assertTrue(all.contains("target: expected a mapping"), all);
      assertTrue(all.contains("tables.chunkRows: expected an integer"), all);
      // the validator's problems of the same spec, in the same round
      assertTrue(all.contains("maxActiveTasks: must be between 1 and 64"), all);
      assertTrue(all.contains("rules.public.users.email"), all);
      // a field removed for its shape is not also "required"
      assertTrue(!all.contains("target: required"), all);
    }
  }

  @Test
  void fileThatIsNotUtf8IsRejected() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.load(
        "nightly.yaml", new byte[] {'i', 'd', ':', ' ', (byte) 0xff, '\n'}));

    assertEquals(List.of("(document): not UTF-8 text"), e.problems());
  }

  @Test
  void fileWithAnotherExtensionIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> SpecLoader.load("nightly.txt", "id: nightly".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void oversizedSpecIsRejectedBeforeParsing() {
    String huge = "id: shop\n#" + "x".repeat(SpecLoader.MAX_SPEC_SIZE) + "\n";

    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> SpecLoader.parse(huge, SpecFormat.YAML));
    assertEquals(List.of("(document): larger than 1048576 bytes"), e.problems());
  }

  @Test
  void parseDoesNotValidateValues() {
    PipelineSpec spec = SpecLoader.parse("maxActiveTasks: 0\n", SpecFormat.YAML);

    assertNull(spec.id());
    assertEquals(0, spec.maxActiveTasks());
  }

  @Test
  void structuralProblemIsNamedAfterTheIdInTheText() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> SpecLoader.parse("id: shop\nfoo: 1\n", SpecFormat.YAML));

    assertEquals("shop", e.pipeline());
    assertTrue(e.getMessage().startsWith("invalid pipeline shop: foo: unknown field"),
        e.getMessage());
  }

  /** A file of the repository, found from the module directory Maven runs the tests in. */
  static Path repositoryFile(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void presetShorthandLoadsValidatesAndSurvivesAJsonRoundTrip() {
    PipelineSpec spec = SpecLoader.parseValid("""
        id: shop
        source: {connection: prod}
        target: {connection: twin}
        rules:
          preset: pii-default
          public.users.email: {rule: hash, length: 24}
        """, SpecFormat.YAML);
    assertEquals("pii-default", dev.veil.activities.rules.Presets.presetName(spec.rules()));
    assertEquals(new RuleSpec("hash", Map.of("length", "24")), spec.rules().get("public.users.email"));
    assertEquals(spec, SpecLoader.parseValid(SpecLoader.write(spec, SpecFormat.JSON), SpecFormat.JSON));
  }

  @Test
  void unknownPresetIsRejectedNamingTheKnownOnes() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.parseValid(
        "id: shop\nsource: {connection: prod}\ntarget: {connection: twin}\n"
            + "rules: {preset: pii-everything}\n", SpecFormat.YAML));
    assertEquals(List.of("rules.preset: unknown preset 'pii-everything' (known: pii-default)"),
        e.problems());
  }

  @Test
  void jsonRulePathsTakeTheNaturalRuleObjectForm() {
    String yaml = """
        id: mail
        source: {connection: prod-db}
        target: {connection: twin-db}
        rules:
          public.messages.payload: {rule: json, "$.to": {rule: email}, "$.name": first_name}
        """;
    PipelineSpec spec = SpecLoader.parseValid(yaml, SpecFormat.YAML);
    assertEquals(
        Map.of("$.to", "email", "$.name", "first_name"),
        spec.rules().get("public.messages.payload").params());
  }

  @Test
  void jsonRulePathWithNestedParametersIsNamedAsAProblem() {
    String yaml = """
        id: mail
        source: {connection: prod-db}
        target: {connection: twin-db}
        rules:
          public.messages.payload: {rule: json, "$.to": {rule: hash, length: 8}}
        """;
    InvalidSpecException e =
        assertThrows(InvalidSpecException.class, () -> SpecLoader.parseValid(yaml, SpecFormat.YAML));
    assertTrue(
        e.problems().stream().anyMatch(p -> p.contains("$.to") && p.contains("not supported")),
        e.problems().toString());
  }
}
