package dev.veil.activities.plan;

import static dev.veil.activities.plan.PlanSpecs.problems;
import static dev.veil.activities.plan.PlanSpecs.rule;
import static dev.veil.activities.plan.PlanSpecs.spec;
import static dev.veil.activities.plan.PlanSpecs.withPreset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.RunPlan;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The planner's uniqueness analysis against PostgreSQL's own: INCLUDE columns are not keys,
 * expression and partial unique indexes, NULLS NOT DISTINCT and composite keys. Before the fix
 * every column listed in {@code indkey} counted as "unique" and nothing else was known, so each
 * test here failed (what with is said per test).
 */
class UniquenessAnalysisIT {

  private static ConnectionSettings sourceDb;
  private static Planner planner;

  @BeforeAll
  static void source() throws Exception {
    sourceDb = TestPostgres.createDatabase("veil_unique_src");
    try (Connection c = TestPostgres.connect(sourceDb);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE people (id int, first_name text, last_name text,"
          + " PRIMARY KEY (id) INCLUDE (first_name, last_name))");
      s.execute("CREATE TABLE users (id int PRIMARY KEY, login text NOT NULL, note text)");
      s.execute("CREATE UNIQUE INDEX users_lower_login ON users (lower(login))");
      s.execute("CREATE TABLE accounts (id int PRIMARY KEY, email text, deleted_at timestamptz,"
          + " \"Status\" text)");
      s.execute("CREATE UNIQUE INDEX accounts_live_email ON accounts (email)"
          + " WHERE deleted_at IS NULL");
      s.execute("CREATE UNIQUE INDEX accounts_active_id ON accounts (id)"
          + " WHERE \"Status\" = 'active'");
      s.execute("CREATE TABLE devices (id int PRIMARY KEY, serial text,"
          + " CONSTRAINT devices_serial_key UNIQUE NULLS NOT DISTINCT (serial), spare text UNIQUE)");
      s.execute("CREATE TABLE memberships (id int PRIMARY KEY, tenant_id int NOT NULL,"
          + " email text NOT NULL, nickname text,"
          + " CONSTRAINT memberships_tenant_email UNIQUE (tenant_id, email),"
          + " CONSTRAINT memberships_id_nickname UNIQUE (id, nickname))");
    }
    planner = new Planner(new ConnectionRegistry(Map.of("src", sourceDb,
        "tgt", sourceDb.withDatabase(sourceDb.database() + "_twin"))));
  }

  @AfterAll
  static void drop() {
    TestPostgres.dropDatabase(sourceDb);
  }

  private static void assertProblem(List<String> problems, String... parts) {
    assertTrue(problems.stream().anyMatch(p -> List.of(parts).stream().allMatch(p::contains)),
        "expected a problem containing " + List.of(parts) + " in " + problems);
  }

  private static Map<String, String> rulesOf(RunPlan plan) {
    Map<String, String> out = new HashMap<>();
    for (ColumnPlan c : plan.tables().get(0).columns()) {
      out.put(c.name(), String.valueOf(c.rule()));
    }
    return out;
  }

  // Before: the preset skipped both names ("is not unique-preserving and the column is under a
  // UNIQUE or PRIMARY KEY constraint"), so first_name and last_name were "null" (unmasked).
  @Test
  void includeColumnsOfACoveringPrimaryKeyAreNotKeysSoThePresetMasksThem() throws Exception {
    RunPlan plan = planner.plan(withPreset(List.of("public.people"), Map.of()), "r-include");
    Map<String, String> rules = rulesOf(plan);
    assertEquals("first_name", rules.get("first_name"));
    assertEquals("last_name", rules.get("last_name"));
    assertTrue(plan.warnings().stream().noneMatch(w -> w.contains("people.first_name")),
        plan.warnings().toString());
  }

  @Test
  void catalogReadsKeyColumnsExpressionsPredicatesAndNullsNotDistinct() throws Exception {
    try (Connection c = TestPostgres.connect(sourceDb)) {
      SourceCatalog catalog = new SourceCatalog(c);
      UniqueKeys people = catalog.uniqueColumns(oid(c, "people"));
      assertEquals(1, people.keys().size());
      assertEquals(List.of("id"), people.keys().get(0).columns());
      UniqueKeys users = catalog.uniqueColumns(oid(c, "users"));
      UniqueKeys.UniqueKey lower = users.keys().stream()
          .filter(k -> k.name().equals("users_lower_login")).findFirst().orElseThrow();
      assertEquals(List.of(), lower.columns());
      assertEquals(Set.of("login"), lower.expressionColumns());
      UniqueKeys accounts = catalog.uniqueColumns(oid(c, "accounts"));
      UniqueKeys.UniqueKey active = accounts.keys().stream()
          .filter(k -> k.name().equals("accounts_active_id")).findFirst().orElseThrow();
      assertEquals(Set.of("Status"), active.predicateColumns());
      UniqueKeys devices = catalog.uniqueColumns(oid(c, "devices"));
      assertTrue(devices.keys().stream().anyMatch(
          k -> k.constraintName() != null && k.constraintName().equals("devices_serial_key")
              && k.nullsNotDistinct()), devices.keys().toString());
    }
  }

  // Before: login was not "unique" at all (the expression's indkey entry is 0), so the lossy
  // rule passed and the twin's index build would have failed on duplicates.
  @Test
  void aColumnInAUniqueExpressionIndexNeedsAUniquePreservingRule() throws Exception {
    assertProblem(problems(planner, spec(List.of("public.users"),
            Map.of("public.users.login", rule("first_name")))),
        "rules.public.users.login: rule 'first_name'", "users_lower_login", "lower(login)");
    planner.plan(spec(List.of("public.users"), Map.of("public.users.login", rule("username"))),
        "r-expr-ok");
  }

  // Before: the null rule on deleted_at passed (deleted_at is not in indkey), although it makes
  // every soft-deleted row join the partial index; and the message did not name the index.
  @Test
  void aPartialUniqueIndexNeedsItsKeyUniqueAndItsPredicateUnchanged() throws Exception {
    List<String> problems = problems(planner, spec(List.of("public.accounts"), Map.of(
        "public.accounts.email", rule("first_name"),
        "public.accounts.deleted_at", rule("null"),
        "public.accounts.Status", rule("first_name"))));
    assertProblem(problems, "rules.public.accounts.email: rule 'first_name'",
        "unique index accounts_live_email (email) WHERE (deleted_at IS NULL)");
    assertProblem(problems, "rules.public.accounts.deleted_at: rule 'null' on deleted_at can"
        + " change which rows the partial unique index accounts_live_email");
    assertProblem(problems, "rules.public.accounts.Status: rule 'first_name' on Status",
        "accounts_active_id");
    // a rule that keeps NULL apart from values leaves "deleted_at IS NULL" as it was
    planner.plan(spec(List.of("public.accounts"), Map.of(
        "public.accounts.email", rule("email"),
        "public.accounts.deleted_at", rule("date_shift", "days", "30"))), "r-partial-ok");
  }

  // Before: rule null was always accepted on a unique column (NULLs never collide), which is
  // false under NULLS NOT DISTINCT.
  @Test
  void nullOnANullsNotDistinctKeyCollidesButOnAnOrdinaryUniqueColumnItDoesNot() throws Exception {
    assertProblem(problems(planner, spec(List.of("public.devices"),
            Map.of("public.devices.serial", rule("null")))),
        "rules.public.devices.serial: rule 'null' writes NULL into serial",
        "unique constraint devices_serial_key (serial) NULLS NOT DISTINCT");
    planner.plan(spec(List.of("public.devices"), Map.of("public.devices.spare", rule("null"))),
        "r-nulls-ok");
  }

  // Before: the message named no key ("under a UNIQUE or PRIMARY KEY constraint"), and nickname
  // was refused like any unique column, although (id, nickname) stays unique through its
  // primary key id whatever nickname becomes.
  @Test
  void aLossyRuleOnACompositeKeyIsRefusedUnlessTheKeptColumnsHoldAUniqueKey() throws Exception {
    assertProblem(problems(planner, spec(List.of("public.memberships"),
            Map.of("public.memberships.email", rule("first_name")))),
        "rules.public.memberships.email: rule 'first_name'",
        "unique constraint memberships_tenant_email (tenant_id, email), whose other columns do"
            + " not hold a unique key of their own");
    planner.plan(spec(List.of("public.memberships"),
        Map.of("public.memberships.nickname", rule("first_name"))), "r-composite-ok");
    // ...but not once id itself is masked lossily as well
    assertProblem(problems(planner, spec(List.of("public.memberships"), Map.of(
            "public.memberships.nickname", rule("first_name"),
            "public.memberships.id", rule("random_int")))),
        "rules.public.memberships.nickname", "memberships_id_nickname");
  }

  private static long oid(Connection c, String table) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 'public." + table + "'::regclass::oid")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
