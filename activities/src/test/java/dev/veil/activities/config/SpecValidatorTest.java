package dev.veil.activities.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Invalid specs, written as YAML, each rejected with the field path and the reason. */
class SpecValidatorTest {

  private static final String KNOWN_RULES =
      String.join(", ", dev.veil.activities.rules.Rules.names());

  private static final String SOURCE = "source: {connection: prod, schemas: [public]}\n";
  private static final String TARGET = "target: {connection: twin}\n";
  private static final String VALID = "id: shop\n" + SOURCE + TARGET;

  private static final String SYSTEM = "must not name a system schema (pg_catalog,"
      + " information_schema, pg_toast*, pg_temp*, _veil)";
  private static final String IDENTIFIER_REASON = "must be a plain identifier: a letter or '_',"
      + " then letters, digits, '_' or '$' (at most 63)";
  private static final String RULE_KEY_REASON =
      "key must be schema.table.column (three plain identifiers)";
  private static final String CRON_REASON = "not a valid 5-field cron expression"
      + " (minute hour day-of-month month day-of-week): ";

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        invalid("missing id", SOURCE + TARGET, "id: required"),
        invalid("bad id", "id: Shop_1\n" + SOURCE + TARGET,
            "id: must be 1 to 63 lowercase letters, digits or '-', starting with a letter or digit"),
        invalid("id too long", "id: " + "a".repeat(64) + "\n" + SOURCE + TARGET,
            "id: must be 1 to 63 lowercase letters, digits or '-', starting with a letter or digit"),
        invalid("missing source", "id: shop\n" + TARGET, "source: required"),
        invalid("missing source connection", "id: shop\nsource: {schemas: [public]}\n" + TARGET,
            "source.connection: required"),
        invalid("missing target connection", "id: shop\n" + SOURCE + "target: {}\n",
            "target.connection: required"),
        invalid("connection name with a space", "id: shop\nsource: {connection: prod db}\n" + TARGET,
            "source.connection: must be 1 to 63 letters, digits, '_', '.' or '-',"
                + " starting with a letter or digit"),
        invalid("unknown top-level field", VALID + "shedule: '0 3 * * *'\n",
            "shedule: unknown field (allowed: id, version, schedule, maxActiveTasks, executor,"
                + " source, target, tables, rules, unmatchedColumns, resources, nodeSelector,"
                + " tolerations, subset, verify)"),
        invalid("unknown table option", VALID + "tables:\n  options:\n    public.orders: {wher: x > 1}\n",
            "tables.options.public.orders.wher: unknown field (allowed: where, sample, mode)"),
        invalid("maxActiveTasks not a number", VALID + "maxActiveTasks: two\n",
            "maxActiveTasks: expected an integer"),
        invalid("maxActiveTasks a fraction", VALID + "maxActiveTasks: 2.5\n",
            "maxActiveTasks: expected an integer"),
        invalid("schemas not a list", "id: shop\nsource: {connection: prod, schemas: public}\n" + TARGET,
            "source.schemas: expected a list"),
        invalid("unknown rule", VALID + "rules:\n  public.users.email: {rule: shuffle}\n",
            "rules.public.users.email.rule: unknown rule 'shuffle'"
                + " (known: " + KNOWN_RULES + ")"),
        invalid("rule without a name", VALID + "rules:\n  public.users.email: {domain: example.org}\n",
            "rules.public.users.email.rule: required"
                + " (one of " + KNOWN_RULES + ")"),
        invalid("random_string of length 0", VALID
                + "rules:\n  public.users.code: {rule: random_string, length: 0}\n",
            "rules.public.users.code.length: must be between 1 and 10000, got 0"),
        invalid("hash in format xyz", VALID + "rules:\n  public.users.email: {rule: hash, format: xyz}\n",
            "rules.public.users.email.format: must be hex or base64"),
        invalid("unknown rule parameter", VALID
                + "rules:\n  public.users.email: {rule: email, domian: example.org}\n",
            "rules.public.users.email.domian: unknown parameter of rule 'email' (allowed: domain, keepDomain)"),
        invalid("replacement without value", VALID + "rules:\n  public.users.name: {rule: replacement}\n",
            "rules.public.users.name.value: required (use rule 'null' to write NULL)"),
        invalid("rule key with two parts", VALID + "rules:\n  users.email: {rule: email}\n",
            "rules.users.email: " + RULE_KEY_REASON),
        invalid("rule key carrying SQL", VALID
                + "rules:\n  'public.users; drop table x.email': {rule: email}\n",
            "rules.public.users; drop table x.email: " + RULE_KEY_REASON),
        invalid("rule parameter that is a list", VALID
                + "rules:\n  public.users.name: {rule: replacement, value: [a, b]}\n",
            "rules.public.users.name.value: expected a single value"),
        invalid("source schema carrying SQL",
            "id: shop\nsource: {connection: prod, schemas: ['public; drop table x']}\n" + TARGET,
            "source.schemas[0]: " + IDENTIFIER_REASON),
        invalid("quoted target schema", "id: shop\n" + SOURCE
                + "target: {connection: twin, schema: twin}\n",
            "target.schema: no longer used: the twin is the whole database of target.connection"
                + " (each run builds a new one and swaps it in), and each source schema lands in the"
                + " schema of the same name; remove target.schema"),
        invalid("maxActiveTasks 0", VALID + "maxActiveTasks: 0\n",
            "maxActiveTasks: must be between 1 and 64"),
        invalid("maxActiveTasks -3", VALID + "maxActiveTasks: -3\n",
            "maxActiveTasks: must be between 1 and 64"),
        invalid("maxActiveTasks 65", VALID + "maxActiveTasks: 65\n",
            "maxActiveTasks: must be between 1 and 64"),
        invalid("cron minute 61", VALID + "schedule: '61 * * * *'\n",
            "schedule: " + CRON_REASON + "Value 61 not in range [0, 59]"),
        invalid("cron with 6 fields", VALID + "schedule: '0 0 3 * * *'\n",
            "schedule: " + CRON_REASON + "Cron expression contains 6 parts but we expect one of [5]"),
        invalid("sample 0", VALID + "tables:\n  options:\n    public.orders: {sample: 0}\n",
            "tables.options.public.orders.sample: must be a percentage greater than 0 and at most 100"),
        invalid("sample 150", VALID + "tables:\n  options:\n    public.orders: {sample: 150}\n",
            "tables.options.public.orders.sample: must be a percentage greater than 0 and at most 100"),
        invalid("where with ;", VALID
                + "tables:\n  options:\n    public.orders: {where: 'id > 1; drop table orders'}\n",
            "tables.options.public.orders.where: must not contain ';' (one boolean expression only)"),
        invalid("where with a comment", VALID
                + "tables:\n  options:\n    public.orders: {where: 'id > 1 -- and more'}\n",
            "tables.options.public.orders.where: must not contain SQL comments (--, /* */)"),
        invalid("pg_catalog as a source schema",
            "id: shop\nsource: {connection: prod, schemas: [pg_catalog]}\n" + TARGET,
            "source.schemas[0]: " + SYSTEM),
        invalid("information_schema as a source schema",
            "id: shop\nsource: {connection: prod, schemas: [public, information_schema]}\n" + TARGET,
            "source.schemas[1]: " + SYSTEM),
        invalid("a toast schema as a source schema",
            "id: shop\nsource: {connection: prod, schemas: [pg_toast]}\n" + TARGET,
            "source.schemas[0]: " + SYSTEM),
        invalid("include of the password catalog",
            VALID + "tables:\n  include: [pg_catalog.pg_authid]\n",
            "tables.include[0]: " + SYSTEM),
        invalid("include of a pg_ wildcard", VALID + "tables:\n  include: ['pg_*.*']\n",
            "tables.include[0]: " + SYSTEM),
        invalid("exclude naming a system schema",
            VALID + "tables:\n  exclude: [information_schema.tables]\n",
            "tables.exclude[0]: " + SYSTEM),
        invalid("options on a catalog table",
            VALID + "tables:\n  options:\n    pg_catalog.pg_authid: {sample: 10}\n",
            "tables.options.pg_catalog.pg_authid: " + SYSTEM),
        invalid("a rule on a catalog column",
            VALID + "rules:\n  pg_catalog.pg_authid.rolpassword: {rule: null}\n",
            "rules.pg_catalog.pg_authid.rolpassword: " + SYSTEM),
        invalid("where calling a server function", VALID
                + "tables:\n  options:\n    public.orders: {where: \"pg_read_file('/etc/hostname') is not null\"}\n",
            "tables.options.public.orders.where: function pg_read_file is not allowed (allowed:"
                + " built-in functions such as now, date_trunc, lower, coalesce)"),
        invalid("where with a subquery", VALID
                + "tables:\n  options:\n    public.orders: {where: 'id in (select id from secrets)'}\n",
            "tables.options.public.orders.where: IN must be followed by a list of values, not a"
                + " subquery"),
        invalid("where escaping its parentheses", VALID
                + "tables:\n  options:\n    public.orders: {where: 'id > 4990) or (id > 4990'}\n",
            "tables.options.public.orders.where: not one SQL boolean expression (check quotes and"
                + " parentheses)"),
        invalid("blank where", VALID + "tables:\n  options:\n    public.orders: {where: ' '}\n",
            "tables.options.public.orders.where: must not be blank (leave it out to copy every row)"),
        invalid("options key without schema", VALID + "tables:\n  options:\n    orders: {sample: 5}\n",
            "tables.options.orders: key must be schema.table (two plain identifiers)"),
        invalid("unknown table mode", VALID + "tables:\n  options:\n    public.orders: {mode: ddl}\n",
            "tables.options.public.orders.mode: expected one of copy, schema"),
        invalid("chunkRows below 1000", VALID + "tables:\n  chunkRows: 10\n",
            "tables.chunkRows: must be at least 1000"),
        invalid("unmatchedColumns maybe", VALID + "unmatchedColumns: maybe\n",
            "unmatchedColumns: expected one of passthrough, fail"),
        invalid("include pattern carrying SQL", VALID + "tables:\n  include: ['public.users; drop']\n",
            "tables.include[0]: must be schema.table, each part a plain identifier in which *"
                + " matches any characters"),
        invalid("exclude pattern without schema", VALID + "tables:\n  exclude: ['audit_*']\n",
            "tables.exclude[0]: must be schema.table, each part a plain identifier in which *"
                + " matches any characters"),
        invalid("toleration with a bad operator", VALID
                + "tolerations:\n  - {key: pool, operator: Maybe, value: batch}\n",
            "tolerations[0].operator: must be Exists or Equal"),
        invalid("toleration with a bad effect", VALID
                + "tolerations:\n  - {key: pool, operator: Equal, value: batch, effect: Sometimes}\n",
            "tolerations[0].effect: must be NoSchedule, PreferNoSchedule or NoExecute"
                + " (or empty for all effects)"),
        invalid("toleration Exists with a value", VALID
                + "tolerations:\n  - {key: pool, operator: Exists, value: batch}\n",
            "tolerations[0].value: must be empty when operator is Exists"),
        invalid("blank node selector value", VALID + "nodeSelector: {pool: ' '}\n",
            "nodeSelector.pool: value must not be blank"),
        invalid("cpu that is not a quantity", VALID + "resources: {cpu: lots}\n",
            "resources.cpu: must be a Kubernetes quantity such as 500m or 2"),
        invalid("memory of zero", VALID + "resources: {memory: 0Mi}\n",
            "resources.memory: must be greater than 0"),
        invalid("executor maxAttempts 0", VALID + "executor: {maxAttempts: 0}\n",
            "executor.maxAttempts: must be between 1 and 100"),
        invalid("executor taskTimeoutMinutes 0", VALID + "executor: {taskTimeoutMinutes: 0}\n",
            "executor.taskTimeoutMinutes: must be between 1 and 10080"),
        invalid("executor heartbeat too short", VALID + "executor: {heartbeatTimeoutSeconds: 1}\n",
            "executor.heartbeatTimeoutSeconds: must be between 5 and 600"),
        invalid("target overwrites the source",
            "id: shop\nsource: {connection: prod, schemas: [public, sales]}\n"
                + "target: {connection: prod}\n",
            "target.connection: would overwrite the source: the twin is the whole database of"
                + " target.connection, and it is the same connection as source.connection"),
        invalid("target overwrites the default source schema",
            "id: shop\nsource: {connection: prod}\ntarget: {connection: PROD}\n",
            "target.connection: would overwrite the source: the twin is the whole database of"
                + " target.connection, and it is the same connection as source.connection"),
        invalid("duplicate rule key", VALID + "rules:\n  public.users.email: {rule: email}\n"
                + "  public.users.email: {rule: null}\n",
            "rules.public.users.email: duplicate key"),
        invalid("two documents", VALID + "---\n" + VALID,
            "(document): more than one document (a spec holds exactly one pipeline)"),
        invalid("YAML alias", VALID + "tables:\n  include: &all [public.*]\n  exclude: *all\n",
            "tables.exclude: YAML aliases (*name) are not supported"),
        invalid("empty document", "", "(document): empty document (expected the fields of a pipeline)"),
        invalid("a list instead of a spec", "- id: shop\n",
            "(document): expected a mapping of pipeline fields"),
        invalid("unknown verify mode", VALID + "verify: {mode: strict}\n",
            "verify.mode: expected one of fail, warn, off"),
        invalid("verify sample 0", VALID + "verify: {sample: 0}\n",
            "verify.sample: must be a percentage between 1 and 100"),
        invalid("verify sample over 100", VALID + "verify: {mode: fail, sample: 101}\n",
            "verify.sample: must be a percentage between 1 and 100"),
        invalid("verify minLength 0", VALID + "verify: {minLength: 0}\n",
            "verify.minLength: must be between 1 and 1000"),
        invalid("verify minLength not a number", VALID + "verify: {minLength: five}\n",
            "verify.minLength: expected an integer"),
        invalid("unknown verify field", VALID + "verify: {mode: warn, samples: 5}\n",
            "verify.samples: unknown field (allowed: mode, sample, minLength)"));
  }

  private static Arguments invalid(String name, String yaml, String expectedProblem) {
    return Arguments.of(name, yaml, expectedProblem);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void invalidSpecIsRejectedWithFieldPathAndReason(String name, String yaml, String expected) {
    List<String> problems = problemsOf(yaml);
    assertTrue(problems.contains(expected), () -> "expected <" + expected + "> in " + problems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void problemsAreSingleLinesWithoutParserInternals(String name, String yaml, String expected) {
    for (String problem : problemsOf(yaml)) {
      assertFalse(problem.contains("\n"), problem);
      assertFalse(problem.contains("jackson"), problem);
      assertFalse(problem.contains("java."), problem);
      assertFalse(problem.contains("Source:"), problem);
      assertTrue(problem.indexOf(": ") > 0, problem);
    }
  }

  @Test
  void syntaxErrorNamesLineAndColumnButNotTheText() {
    List<String> problems = problemsOf("id: shop\nsource: {connection: prod}\n  where: a: 'secret'\n");

    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).matches("\\(document\\): invalid YAML at line \\d+, column \\d+: .+"),
        problems::toString);
    assertFalse(problems.get(0).contains("secret"), problems::toString);
  }

  @Test
  void jsonSyntaxErrorNamesLine() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> SpecLoader.parse("{\"id\": \"shop\",\n \"source\": }", SpecFormat.JSON));

    assertTrue(e.problems().get(0).startsWith("(document): invalid JSON at line 2, column "),
        e.problems()::toString);
  }

  @Test
  void everyStructuralProblemIsReportedAtOnce() {
    List<String> problems = problemsOf(VALID
        + "maxActiveTasks: many\nshedule: x\ntables:\n  options:\n    public.a: {wher: x, sample: lots}\n");

    assertEquals(List.of(
        "maxActiveTasks: expected an integer",
        "shedule: unknown field (allowed: id, version, schedule, maxActiveTasks, executor, source,"
            + " target, tables, rules, unmatchedColumns, resources, nodeSelector, tolerations, subset,"
            + " verify)",
        "tables.options.public.a.wher: unknown field (allowed: where, sample, mode)",
        "tables.options.public.a.sample: expected a number"), problems);
  }

  @Test
  void everyValidationProblemIsReportedAtOnceInFieldOrder() {
    List<String> problems = problemsOf("id: Bad!\nmaxActiveTasks: 0\n"
        + "source: {connection: prod, schemas: ['a b']}\ntarget: {connection: ''}\n"
        + "rules:\n  x.y: {rule: nope}\n");

    assertEquals(List.of(
        "id: must be 1 to 63 lowercase letters, digits or '-', starting with a letter or digit",
        "maxActiveTasks: must be between 1 and 64",
        "source.schemas[0]: " + IDENTIFIER_REASON,
        "target.connection: required",
        "rules.x.y: " + RULE_KEY_REASON,
        "rules.x.y.rule: unknown rule 'nope'"
            + " (known: " + KNOWN_RULES + ")"), problems);
  }

  @Test
  void exceptionMessageNamesThePipelineAndEveryProblem() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> SpecLoader.parseValid(
        "id: shop\nmaxActiveTasks: 0\n" + SOURCE + "target: {}\n", SpecFormat.YAML));

    assertEquals("shop", e.pipeline());
    assertEquals("invalid pipeline shop: maxActiveTasks: must be between 1 and 64;"
        + " target.connection: required", e.getMessage());
  }

  @Test
  void controlCharactersInKeysDoNotReachMessages() {
    List<String> problems = problemsOf(VALID + "rules:\n  \"public.users\\nFAKE LOG LINE\": {rule: email}\n");

    assertTrue(problems.contains("rules.public.users?FAKE LOG LINE: " + RULE_KEY_REASON),
        problems::toString);
  }

  @Test
  void minimalSpecIsValid() {
    assertEquals(List.of(), SpecValidator.validate(SpecLoader.parse(VALID, SpecFormat.YAML)));
  }

  @Test
  void anotherConnectionAsTheTwinIsValid() {
    String yaml = "id: shop\nsource: {connection: prod, schemas: [public]}\n"
        + "target: {connection: prod-twin, keepPrevious: true, swapWaitSeconds: 10}\n";

    assertEquals(List.of(), SpecValidator.validate(SpecLoader.parse(yaml, SpecFormat.YAML)));
  }

  @Test
  void wildcardPatternsAndKubernetesSettingsAreValid() {
    String yaml = VALID + "schedule: '*/15 2-5 * * MON-FRI'\n"
        + "tables:\n  include: ['*.*', 'public.user*', 'sales.*_2024']\n  exclude: ['public.*audit*']\n"
        + "resources: {cpu: '1.5', memory: 512Mi}\n"
        + "nodeSelector: {kubernetes.io/os: linux}\n"
        + "tolerations:\n  - {operator: Exists}\n  - {key: pool, value: batch, effect: NoExecute,"
        + " tolerationSeconds: 60}\n";

    assertEquals(List.of(), SpecValidator.validate(SpecLoader.parse(yaml, SpecFormat.YAML)));
  }

  @Test
  void requireValidReturnsAValidSpecAndThrowsForAnInvalidOne() {
    var valid = SpecLoader.parse(VALID, SpecFormat.YAML);
    var invalid = SpecLoader.parse(SOURCE + TARGET, SpecFormat.YAML);

    assertEquals(valid, SpecValidator.requireValid(valid));
    InvalidSpecException e =
        assertThrows(InvalidSpecException.class, () -> SpecValidator.requireValid(invalid));
    assertEquals(List.of("id: required"), e.problems());
  }

  /** Structural problems from parsing, or else validation problems; fails if there are none. */
  static List<String> problemsOf(String yaml) {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> SpecLoader.parseValid(yaml, SpecFormat.YAML), "expected the spec to be invalid");
    return e.problems();
  }
}
