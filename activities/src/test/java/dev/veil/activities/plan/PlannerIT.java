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
  private static Planner planner;

  @BeforeAll
  static void source() throws Exception {
    sourceDb = TestPostgres.createDatabase("veil_plan_src");
    try (Connection c = TestPostgres.connect(sourceDb);
        Statement s = c.createStatement()) {
      SampleSchema.create(c, 200);
      s.execute("CREATE TABLE accounts (code text PRIMARY KEY)");
      s.execute("CREATE TABLE logins (id int PRIMARY KEY, account_code text REFERENCES accounts)");
      s.execute("CREATE TABLE events (id int, at date) PARTITION BY RANGE (at)");
      s.execute("CREATE VIEW customer_emails AS SELECT email FROM customers");
      s.execute("CREATE SCHEMA crm");
      s.execute("CREATE TABLE crm.orders (id int PRIMARY KEY)");
      s.execute("CREATE TRIGGER no_op BEFORE INSERT ON audit_log FOR EACH ROW"
          + " EXECUTE FUNCTION suppress_redundant_updates_trigger()");
    }
    planner = new Planner(new ConnectionRegistry(Map.of("src", sourceDb, "tgt", sourceDb)));
  }

  @AfterAll
  static void drop() {
    TestPostgres.dropDatabase(sourceDb);
  }

  private static PipelineSpec spec(
      List<String> schemas, TablesSpec tables, Map<String, RuleSpec> rules, UnmatchedColumns unmatched) {
    return new PipelineSpec("p", "v", null, 2, null, new SourceSpec("src", schemas),
        new TargetSpec("tgt"), tables, rules, unmatched, null, null, null);
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
  void plansTheSampleSchemaWithDdlForEveryObject() throws Exception {
    RunPlan plan = planner.plan(spec(List.of("public"), SAMPLE,
        Map.of("public.customers.email", RuleSpec.of("email"),
            "public.orders.customer_email", RuleSpec.of("email")), null), "run-1");
    assertEquals(3, plan.tables().size());
    assertEquals(Planner.stagingSchema("run-1"), plan.stagingSchema());
    TablePlan orders = plan.tables().stream().filter(t -> t.name().equals("orders")).findFirst().orElseThrow();
    assertEquals(1, orders.ddl().foreignKeys().size());
    assertTrue(orders.ddl().afterLoad().stream().anyMatch(d -> d.name().equals("orders_big_idx")
        && d.sql().contains("WHERE (amount > (500)::numeric)")), orders.ddl().afterLoad().toString());
    assertTrue(orders.ddl().create().get(0).startsWith("CREATE SEQUENCE"));
    assertEquals("id", orders.ddl().sequences().get(0).column());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("trigger no_op")), plan.warnings().toString());
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
        "tables.options.public.orders.where: column \"no_such_column\" does not exist");
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
        new TargetSpec("tgt"), null, null, null, null, null, null);
    assertProblem(problems(spec), "source.connection: 'nope' is not configured on this agent");
  }

  @Test
  void missingSchemaIsRejected() {
    assertProblem(problems(spec(List.of("public", "sales"), SAMPLE, null, null)),
        "source.schemas: schema 'sales' does not exist in the source");
  }

  @Test
  void partitionedTableIsReportedByName() {
    assertProblem(problems(spec(List.of("public"), include("public.*"), null, null)),
        "public.events is a partitioned table, which Veil does not copy yet");
  }

  @Test
  void viewNamedExplicitlyIsRejected() {
    assertProblem(problems(spec(List.of("public"), include("public.customer_emails"), null, null)),
        "tables.include: public.customer_emails is a view, not a table");
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
  void tablesOfTwoSchemasWithOneNameAreRejected() {
    assertProblem(problems(spec(List.of("public", "crm"), include("public.orders", "crm.orders",
            "public.customers"), null, null)),
        "would both become table orders in the target schema");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    List<String> problems = problems(spec(List.of("public"), SAMPLE,
        Map.of("public.customers.e_mail", RuleSpec.of("email"),
            "public.orders.amount", RuleSpec.of("email")), null));
    assertEquals(2, problems.size(), problems.toString());
  }
}
