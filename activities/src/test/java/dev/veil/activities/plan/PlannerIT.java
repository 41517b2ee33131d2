package dev.veil.activities.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.SampleSchema;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TableOptions;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.TargetSpec;
import dev.veil.workflows.spec.UnmatchedColumns;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The planner against a real source catalog: specs that do not fit the source are rejected with
 * the field and the reason, all problems at once, before anything is written anywhere.
 */
class PlannerIT {

  private static ConnectionSettings sourceDb;
  private static ConnectionSettings targetDb;
  private static Planner planner;

  @BeforeAll
  static void source() throws Exception {
    sourceDb = TestPostgres.createDatabase("veil_plan_src");
    try (Connection c = TestPostgres.connect(sourceDb);
        Statement s = c.createStatement()) {
      SampleSchema.create(c, 200);
      s.execute("CREATE TABLE accounts (code text PRIMARY KEY)");
      s.execute("CREATE TABLE logins (id int PRIMARY KEY, account_code text REFERENCES accounts)");
      s.execute("CREATE TABLE events (id int, at date, email text) PARTITION BY RANGE (at)");
      s.execute("CREATE TABLE events_2025 PARTITION OF events"
          + " FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
      s.execute("CREATE TABLE events_2026 PARTITION OF events"
          + " FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
      s.execute("CREATE VIEW customer_emails AS SELECT email FROM customers");
      s.execute("CREATE SCHEMA crm");
      s.execute("CREATE TABLE crm.orders (id int PRIMARY KEY)");
      s.execute("CREATE TRIGGER no_op BEFORE INSERT ON audit_log FOR EACH ROW"
          + " EXECUTE FUNCTION suppress_redundant_updates_trigger()");
    }
    targetDb = TestPostgres.createDatabase("veil_plan_tgt");
    planner = new Planner(new ConnectionRegistry(Map.of("src", sourceDb, "tgt", targetDb)));
  }

  @AfterAll
  static void drop() {
    TestPostgres.dropDatabase(sourceDb);
    TestPostgres.dropDatabase(targetDb);
  }

  private static PipelineSpec spec(
      List<String> schemas, TablesSpec tables, Map<String, RuleSpec> rules, UnmatchedColumns unmatched) {
    return new PipelineSpec("p", "v", null, 2, null, new SourceSpec("src", schemas),
        new TargetSpec("tgt"), tables, rules, unmatched, null, null, null, null, null);
  }

  private static TablesSpec include(String... patterns) {
    return new TablesSpec(List.of(patterns), null, null, null);
  }

  private static List<String> problems(PipelineSpec spec) {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> planner.plan(spec, "r1"));
    return e.problems();
  }

  private static void assertProblem(List<String> problems, String expected) {
    assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
        "expected a problem containing <" + expected + "> in " + problems);
  }

  private static final TablesSpec SAMPLE =
      include("public.customers", "public.orders", "public.audit_log");

  @Test
  void plansTheSampleSchemaIntoABuildDatabaseBesideTheTwin() throws Exception {
    RunPlan plan = planner.plan(spec(List.of("public"), SAMPLE,
        Map.of("public.customers.email", RuleSpec.of("email"),
            "public.orders.customer_email", RuleSpec.of("email")), null), "run-1",
        "0b7a3c1e-4f2d-4a5b-9c8d-7e6f5a4b3c2d");
    assertEquals(3, plan.tables().size());
    assertEquals(targetDb.database(), plan.twinDatabase(), "the target connection's database");
    assertEquals(targetDb.database() + "__veil_b0b7a3c1e4f2d", plan.buildDatabase());
    assertEquals(List.of("public"), plan.schemas());
    assertTrue(plan.skippedConstraints().isEmpty(), plan.skippedConstraints().toString());
    TablePlan customers = plan.tables().stream()
        .filter(t -> t.name().equals("customers")).findFirst().orElseThrow();
    assertEquals("email", customers.columns().stream()
        .filter(c -> c.name().equals("email")).findFirst().orElseThrow().rule());
  }

  @Test
  void aPartitionedTableIsCopiedLeafByLeafWithTheRootsRulesAndOptions() throws Exception {
    RunPlan plan = planner.plan(spec(List.of("public"),
        new TablesSpec(List.of("public.events"), null,
            Map.of("public.events", new TableOptions("id > 0", null, null)), null),
        Map.of("public.events.email", RuleSpec.of("email")), null), "run-p");
    assertEquals(List.of("public.events_2025", "public.events_2026"),
        plan.tables().stream().map(TablePlan::qualifiedName).sorted().toList());
    for (TablePlan leaf : plan.tables()) {
      assertEquals("public.events", leaf.partitionOf());
      assertEquals("(id > 0)", leaf.where(), "re-rendered and parenthesised");
      assertEquals("email", leaf.columns().stream()
          .filter(c -> c.name().equals("email")).findFirst().orElseThrow().rule(), leaf.name());
    }
  }

  @Test
  void aForeignKeyToATableNotCopiedWholeIsLeftOutAndNamed() throws Exception {
    RunPlan plan = planner.plan(spec(List.of("public"), include("public.logins"), null, null),
        "run-fk");
    assertEquals(List.of("public.logins.logins_account_code_fkey"), plan.skippedConstraints());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("logins_account_code_fkey")
        && w.contains("public.accounts is not copied whole")), plan.warnings().toString());
  }

  @Test
  void aViewNamedExplicitlyComesWithTheSchemaAndCopiesNoRows() throws Exception {
    RunPlan plan = planner.plan(spec(List.of("public"),
        include("public.customer_emails", "public.customers"), null, null), "run-v");
    assertEquals(List.of("public.customers"),
        plan.tables().stream().map(TablePlan::qualifiedName).toList());
  }

  @Test
  void aTwinThatWouldBeTheSourceDatabaseIsRejected() {
    Planner sameDatabase =
        new Planner(new ConnectionRegistry(Map.of("src", sourceDb, "tgt", sourceDb)));
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> sameDatabase.plan(spec(List.of("public"), SAMPLE, null, null), "r-same"));
    assertProblem(e.problems(), "is the source database");
  }

  @Test
  void includePatternThatMatchesNothingIsRejected() {
    assertProblem(problems(spec(List.of("public"), include("public.custmers"), null, null)),
        "tables.include: 'public.custmers' matches no table in the source");
  }

  @Test
  void identifierCarryingSqlMatchesNothingAndIsRejected() {
    assertProblem(problems(spec(List.of("public"), include("public.customers; drop table x"), null, null)),
        "tables.include[0]: must be schema.table");
    assertProblem(problems(spec(List.of("public"), SAMPLE,
            Map.of("public.customers.email; drop table x", RuleSpec.of("email")), null)),
        "key must be schema.table.column");
  }

  @Test
  void ruleOnUnknownColumnIsRejected() {
    assertProblem(problems(spec(List.of("public"), SAMPLE,
            Map.of("public.customers.e_mail", RuleSpec.of("email")), null)),
        "rules.public.customers.e_mail: column does not exist in public.customers");
  }

  @Test
  void ruleOnATableThatIsNotCopiedIsRejected() {
    assertProblem(problems(spec(List.of("public"), include("public.orders"),
            Map.of("public.customers.email", RuleSpec.of("email")), null)),
        "rules.public.customers.email: table public.customers is not among the copied tables");
  }

  @Test
  void textRuleOnANumericColumnIsRejected() {
    assertProblem(problems(spec(List.of("public"), SAMPLE,
            Map.of("public.orders.amount", RuleSpec.of("email")), null)),
        "rules.public.orders.amount: rule 'email' does not accept a column of type numeric(10,2)"
            + " (it accepts text (and arrays of them))");
  }

  @Test
  void nullRuleOnNotNullColumnIsRejected() {
    assertProblem(problems(spec(List.of("public"), SAMPLE,
            Map.of("public.customers.full_name", RuleSpec.of("null")), null)),
        "rule 'null' writes NULL but the column is NOT NULL");
  }

  @Test
  void ruleLongerThanTheColumnIsRejected() {
    assertProblem(problems(spec(List.of("public"), SAMPLE,
            Map.of("public.customers.email", new RuleSpec("random_string", Map.of("length", "500"))), null)),
        "writes up to 500 characters but the column is character varying(120)");
  }

  @Test
  void replacementThatIsNotAValueOfTheTypeIsRejected() {
    assertProblem(problems(spec(List.of("public"), SAMPLE,
            Map.of("public.orders.amount", new RuleSpec("replacement", Map.of("value", "lots"))), null)),
        "rules.public.orders.amount.value: not a valid numeric(10,2)");
  }

  @Test
  void unknownRuleIsRejected() {
    assertProblem(problems(spec(List.of("public"), SAMPLE,
            Map.of("public.customers.email", RuleSpec.of("scramble_eggs")), null)),
        "unknown rule 'scramble_eggs'");
  }

  @Test
  void whereFilterOnAMissingColumnIsRejected() {
    TablesSpec tables = new TablesSpec(List.of("public.orders", "public.customers"), null,
        Map.of("public.orders", new TableOptions("no_such_column > 3", null, null)), null);
    assertProblem(problems(spec(List.of("public"), tables, null, null)),
        "tables.options.public.orders.where: column no_such_column is not a column of the table");
  }

  @Test
  void whereFilterWithASecondStatementIsRejected() {
    TablesSpec tables = new TablesSpec(List.of("public.orders", "public.customers"), null,
        Map.of("public.orders", new TableOptions("true; drop table customers", null, null)), null);
    assertProblem(problems(spec(List.of("public"), tables, null, null)),
        "tables.options.public.orders.where: must not contain ';'");
  }

  @Test
  void unknownConnectionIsRejected() {
    PipelineSpec spec = new PipelineSpec("p", "v", null, 1, null, new SourceSpec("nope", null),
        new TargetSpec("tgt"), null, null, null, null, null, null, null, null);
    assertProblem(problems(spec), "source.connection: 'nope' is not configured on this agent");
  }

  @Test
  void missingSchemaIsRejected() {
    assertProblem(problems(spec(List.of("public", "sales"), SAMPLE, null, null)),
        "source.schemas: schema 'sales' does not exist in the source");
  }

  @Test
  void ruleOnAGeneratedColumnIsRejected() {
    assertProblem(problems(spec(List.of("public"), SAMPLE,
            Map.of("public.customers.name_length", new RuleSpec("replacement", Map.of("value", "1"))), null)),
        "is a generated column");
  }

  @Test
  void foreignKeyMaskedOnOneSideOnlyIsRejected() {
    assertProblem(problems(spec(List.of("public"), include("public.accounts", "public.logins"),
            Map.of("public.accounts.code", RuleSpec.of("hash")), null)),
        "foreign key logins_account_code_fkey needs the same deterministic rule");
  }

  @Test
  void unmatchedColumnsFailListsEveryColumnWithoutARule() {
    List<String> problems = problems(spec(List.of("public"), include("public.audit_log"),
        Map.of("public.audit_log.id", RuleSpec.of("passthrough")), UnmatchedColumns.fail));
    assertProblem(problems, "unmatchedColumns: fail");
    assertProblem(problems, "public.audit_log.message");
  }

  @Test
  void tablesOfTwoSchemasWithOneNameKeepTheirSchemas() throws Exception {
    RunPlan plan = planner.plan(spec(List.of("public", "crm"), include("public.orders",
        "crm.orders", "public.customers"), null, null), "run-2");
    assertEquals(List.of("crm.orders", "public.customers", "public.orders"),
        plan.tables().stream().map(TablePlan::qualifiedName).sorted().toList());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    List<String> problems = problems(spec(List.of("public"), SAMPLE,
        Map.of("public.customers.e_mail", RuleSpec.of("email"),
            "public.orders.amount", RuleSpec.of("email")), null));
    assertEquals(2, problems.size(), problems.toString());
  }
}
