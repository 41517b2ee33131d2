package dev.veil.activities.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.plan.Planner;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.testing.HeldBuild;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.TargetSpec;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rules on non-text columns through the real binary COPY path: the target accepts every value
 * (so the codecs wrote the type's format), values change as each rule promises, NULL stays NULL,
 * and the same email in two tables still joins. Plus the planner's type and uniqueness checks.
 */
class TypedRulesIT {

  private static final int ROWS = 2_000;
  private static ConnectionSettings sourceDb;
  private static ConnectionSettings targetDb;
  private static ConnectionRegistry registry;

  @BeforeAll
  static void databases() throws Exception {
    sourceDb = TestPostgres.createDatabase("veil_typed_src");
    targetDb = TestPostgres.createDatabase("veil_typed_tgt");
    try (Connection c = TestPostgres.connect(sourceDb);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE people (id int PRIMARY KEY, email text UNIQUE, phone varchar(30),"
          + " salary numeric(10,2), score int4, ratio float8, born date, seen timestamptz,"
          + " token uuid UNIQUE, addr inet, profile jsonb, tags text[], note text)");
      s.execute("INSERT INTO people SELECT g, 'person' || g || '@corp.example',"
          + " '+1 555-' || lpad((g % 1000)::text, 3, '0') || '-' || lpad(g::text, 4, '0'),"
          + " CASE WHEN g % 10 = 0 THEN NULL ELSE (1000 + g * 3.17)::numeric(10,2) END,"
          + " g * 7, g / 3.0, DATE '1950-01-01' + g * 11, TIMESTAMPTZ '2024-01-01 08:30:00+00' + g * interval '1 hour',"
          + " md5(g::text)::uuid, ('10.' || g / 256 || '.' || g % 256 || '.1/24')::inet,"
          + " jsonb_build_object('name', 'Person ' || g, 'contact', jsonb_build_object('email',"
          + "   'person' || g || '@corp.example', 'kind', 'work'), 'level', g % 5),"
          + " CASE WHEN g % 7 = 0 THEN NULL ELSE ARRAY['Tag' || g, NULL, 'x' || g] END,"
          + " CASE WHEN g % 4 = 0 THEN NULL ELSE 'secret note ' || g END"
          + " FROM generate_series(1, " + ROWS + ") g");
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, email text)");
      s.execute("INSERT INTO orders SELECT g, 'person' || (g % 500 + 1) || '@corp.example'"
          + " FROM generate_series(1, 3000) g");
      s.execute("CREATE TABLE visits (id int PRIMARY KEY, person_id int NOT NULL, visited date,"
          + " seen_at timestamp, code text, email text)");
      s.execute("INSERT INTO visits SELECT g, g % 50, DATE '2023-01-01' + g, TIMESTAMP"
          + " '2023-01-01 10:00' + g * interval '1 day', 'orig' || g,"
          + " CASE WHEN g % 9 = 0 THEN NULL ELSE 'p' || (g % 50) || '@corp.example' END"
          + " FROM generate_series(1, 1000) g");
      s.execute("CREATE TABLE contacts (id int PRIMARY KEY, email text, email_verified boolean,"
          + " phone_count int, first_name text, dob date, notes text, login text UNIQUE)");
      s.execute("ANALYZE");
    }
    registry = new ConnectionRegistry(Map.of("src", sourceDb, "tgt", targetDb));
  }

  private static final List<HeldBuild> BUILDS = new java.util.ArrayList<>();

  /** The plan's build database, held until the class is done (then dropped). */
  private static HeldBuild held(RunPlan plan) throws Exception {
    HeldBuild build = HeldBuild.prepare(registry, plan);
    BUILDS.add(build);
    return build;
  }

  @AfterAll
  static void drop() throws Exception {
    for (HeldBuild build : BUILDS) {
      build.close();
    }
    TestPostgres.dropDatabase(sourceDb);
    TestPostgres.dropDatabase(targetDb);
  }

  private static PipelineSpec spec(List<String> include, Map<String, RuleSpec> rules) {
    return new PipelineSpec("typed", "v", null, 1, null, new SourceSpec("src", null),
        new TargetSpec("tgt"), new TablesSpec(include, null, null, null), rules, null, null,
        null, null, null, null);
  }

  private static RuleSpec rule(String name, String... params) {
    Map<String, String> p = new HashMap<>();
    for (int i = 0; i < params.length; i += 2) {
      p.put(params[i], params[i + 1]);
    }
    return new RuleSpec(name, p);
  }

  private static final Map<String, RuleSpec> RULES = Map.ofEntries(
      Map.entry("public.people.email", rule("email")),
      Map.entry("public.people.phone", rule("phone")),
      Map.entry("public.people.salary", rule("numeric_noise", "percent", "10")),
      Map.entry("public.people.score", rule("numeric_noise", "absolute", "5")),
      Map.entry("public.people.ratio", rule("numeric_noise", "percent", "1")),
      Map.entry("public.people.born", rule("truncate_date", "to", "year")),
      Map.entry("public.people.seen", rule("date_shift", "days", "10")),
      Map.entry("public.people.token", rule("uuid")),
      Map.entry("public.people.addr", rule("ip")),
      Map.entry("public.people.profile",
          rule("json", "$.contact.email", "email", "$.name", "full_name")),
      Map.entry("public.people.tags", rule("scramble")),
      Map.entry("public.people.note", rule("mask", "keepLast", "2")),
      Map.entry("public.orders.email", rule("email")));

  private static Map<Integer, Map<String, Object>> rows(ConnectionSettings db, String sql)
      throws Exception {
    Map<Integer, Map<String, Object>> out = new HashMap<>();
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        out.put(rs.getInt("id"), row);
      }
    }
    return out;
  }

  private static final String SELECT = "SELECT id, email, phone, salary, score, ratio, born,"
      + " seen, token::text AS token, host(addr) AS host, masklen(addr) AS bits, profile::text AS profile,"
      + " profile->'contact'->>'email' AS pemail, profile->>'name' AS pname,"
      + " profile->'contact'->>'kind' AS pkind, (profile->>'level')::int AS plevel,"
      + " tags::text AS tags, note FROM ";

  @Test
  void everyTypedRuleWritesValidValuesThatKeepTheirPromise() throws Exception {
    RunPlan plan = new Planner(registry).plan(spec(List.of("public.people", "public.orders"), RULES), "typed-1");
    HeldBuild build = held(plan);
    CopyEngine engine = new CopyEngine(registry, MaskingKey.of("typed-rules-key-0123456789"));
    for (TablePlan t : plan.tables()) {
      engine.copy(build.task(t, 0), hb -> {});
    }
    Map<Integer, Map<String, Object>> before = rows(sourceDb, SELECT + "people");
    Map<Integer, Map<String, Object>> after = rows(build.settings(), SELECT + "public.people");
    assertEquals(ROWS, after.size());
    java.util.Set<Object> tokens = new java.util.HashSet<>();
    for (int id : before.keySet()) {
      Map<String, Object> a = before.get(id);
      Map<String, Object> b = after.get(id);
      assertTrue(((String) b.get("email")).matches("u[0-9a-f]{20}@example\\.com"));
      assertTrue(((String) b.get("phone")).matches("\\+1 \\d{3}-\\d{3}-\\d{4}"), (String) b.get("phone"));
      assertNotEquals(a.get("phone"), b.get("phone"));
      if (a.get("salary") == null) {
        assertNull(b.get("salary"), "NULL stays NULL");
      } else {
        BigDecimal s0 = (BigDecimal) a.get("salary");
        BigDecimal s1 = (BigDecimal) b.get("salary");
        assertEquals(2, s1.scale());
        assertTrue(s1.subtract(s0).abs().compareTo(s0.multiply(new BigDecimal("0.1")).add(new BigDecimal("0.01"))) <= 0);
      }
      assertTrue(Math.abs((Integer) b.get("score") - (Integer) a.get("score")) <= 5);
      double r0 = (Double) a.get("ratio");
      assertTrue(Math.abs((Double) b.get("ratio") - r0) <= Math.abs(r0) * 0.01 + 1e-12);
      LocalDate born = ((java.sql.Date) a.get("born")).toLocalDate();
      assertEquals(born.withDayOfYear(1), ((java.sql.Date) b.get("born")).toLocalDate());
      OffsetDateTime seen0 = ((java.sql.Timestamp) a.get("seen")).toInstant().atOffset(java.time.ZoneOffset.UTC);
      OffsetDateTime seen1 = ((java.sql.Timestamp) b.get("seen")).toInstant().atOffset(java.time.ZoneOffset.UTC);
      long days = ChronoUnit.DAYS.between(seen0, seen1);
      assertTrue(days != 0 && Math.abs(days) <= 10, "shift " + days);
      assertEquals(seen0.toLocalTime(), seen1.toLocalTime(), "time of day kept");
      assertTrue(((String) b.get("token")).matches("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
      assertTrue(tokens.add(b.get("token")));
      assertNotEquals(a.get("host"), b.get("host"));
      assertEquals(24, b.get("bits"), "netmask kept");
      assertTrue(((String) b.get("pemail")).matches("u[0-9a-f]{20}@example\\.com"));
      assertEquals(b.get("email"), b.get("pemail"), "the same address maps alike inside JSON");
      assertNotEquals(a.get("pname"), b.get("pname"));
      assertEquals("work", b.get("pkind"), "untouched JSON stays");
      assertEquals(a.get("plevel"), b.get("plevel"));
      if (a.get("tags") == null) {
        assertNull(b.get("tags"));
      } else {
        assertTrue(((String) b.get("tags")).matches("\\{[A-Z][a-z]{2}\\d+,NULL,[a-z]\\d+}"), (String) b.get("tags"));
        assertNotEquals(a.get("tags"), b.get("tags"));
      }
      if (a.get("note") == null) {
        assertNull(b.get("note"));
      } else {
        String note = (String) a.get("note");
        assertEquals("*".repeat(note.length() - 2) + note.substring(note.length() - 2), b.get("note"));
      }
    }
    // a join on the pseudonymised email returns what the join on the real one returned
    assertEquals(count(sourceDb, "SELECT count(*) FROM orders o JOIN people p USING (email)"),
        count(build.settings(), "SELECT count(*) FROM public.orders o JOIN "
            + "public.people p USING (email)"));
  }

  private static long count(ConnectionSettings db, String sql) throws Exception {
    try (Connection c = TestPostgres.connect(db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> problems(Map<String, RuleSpec> rules) {
    return assertThrows(InvalidSpecException.class,
        () -> new Planner(registry).plan(spec(List.of("public.people"), rules), "typed-bad"))
        .problems();
  }

  @Test
  void presetMasksMatchingColumnsThatFitExplicitRulesWinDecoysAreLeftWithAWarning()
      throws Exception {
    Map<String, RuleSpec> rules = new HashMap<>();
    rules.put("preset", new RuleSpec(null, Map.of("preset", "pii-default")));
    rules.put("public.contacts.first_name", rule("replacement", "value", "Alex"));
    RunPlan plan = new Planner(registry).plan(spec(List.of("public.contacts"), rules), "preset-1");
    Map<String, String> byColumn = new HashMap<>();
    plan.tables().get(0).columns().forEach(c -> byColumn.put(c.name(), String.valueOf(c.rule())));
    assertEquals(Map.of("id", "null", "email", "email", "email_verified", "null",
        "phone_count", "null", "first_name", "replacement", "dob", "truncate_date",
        "notes", "null", "login", "username"), byColumn);
    assertTrue(plan.warnings().contains("preset pii-default: public.contacts.email_verified"
        + " matches '*email*' but rule 'email' does not accept a column of type boolean"
        + " (it accepts text (and arrays of them)); the column is not masked by the preset"),
        plan.warnings().toString());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith(
        "preset pii-default: public.contacts.phone_count matches '*phone*'")), plan.warnings().toString());
  }

  @Test
  void rowRulesReadOtherColumnsMaskedAndKeepIntervalsPerPerson() throws Exception {
    RunPlan plan = new Planner(registry).plan(spec(List.of("public.visits"), Map.of(
        "public.visits.email", rule("email"),
        "public.visits.code", rule("constant_per_row", "template", "visit-{{row.id}}-{{row.email}}"),
        "public.visits.visited", rule("date_shift", "days", "100", "by", "person_id"),
        "public.visits.seen_at", rule("date_shift", "days", "100", "by", "person_id"))), "rows-1");
    HeldBuild build = held(plan);
    TablePlan t = plan.tables().get(0);
    new CopyEngine(registry, MaskingKey.of("typed-rules-key-0123456789")).copy(build.task(t, 0),
        hb -> {});
    String select = "SELECT id, person_id, visited, seen_at, code, email FROM ";
    Map<Integer, Map<String, Object>> before = rows(sourceDb, select + "visits");
    Map<Integer, Map<String, Object>> after = rows(build.settings(), select + "public.visits");
    Map<Object, Long> shiftByPerson = new HashMap<>();
    java.util.Set<Long> shifts = new java.util.HashSet<>();
    for (int id : before.keySet()) {
      Map<String, Object> a = before.get(id);
      Map<String, Object> b = after.get(id);
      Object email = b.get("email");
      assertEquals("visit-" + id + "-" + (email == null ? "" : email), b.get("code"),
          "the template reads the masked email, never the source one");
      long shift = ChronoUnit.DAYS.between(((java.sql.Date) a.get("visited")).toLocalDate(),
          ((java.sql.Date) b.get("visited")).toLocalDate());
      long shiftTs = ChronoUnit.DAYS.between(((java.sql.Timestamp) a.get("seen_at")).toLocalDateTime(),
          ((java.sql.Timestamp) b.get("seen_at")).toLocalDateTime());
      assertEquals(shift, shiftTs, "one person's dates move together across columns");
      Long previous = shiftByPerson.putIfAbsent(a.get("person_id"), shift);
      assertEquals(previous == null ? shift : previous, shift, "intervals within a person kept");
      assertTrue(shift != 0 && Math.abs(shift) <= 100);
      shifts.add(shift);
    }
    assertTrue(shifts.size() > 10, "people move by different amounts: " + shifts);
  }

  @Test
  void aRowRuleNamingAMissingColumnIsRejected() {
    List<String> problems = assertThrows(InvalidSpecException.class,
        () -> new Planner(registry).plan(spec(List.of("public.visits"), Map.of(
            "public.visits.code", rule("constant_per_row", "template", "v{{row.nope}}"),
            "public.visits.visited", rule("date_shift", "by", "seen_at"))), "rows-bad"))
        .problems();
    assertTrue(problems.contains("rules.public.visits.code: rule 'constant_per_row' reads column"
        + " nope, which does not exist in public.visits"), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("rules.public.visits.visited: rule"
        + " 'date_shift' reads column seen_at of type timestamp without time zone, which it cannot"
        + " print")), problems.toString());
  }

  @Test
  void aRuleOnAColumnTypeItCannotReadIsRejected() {
    List<String> problems = problems(Map.of(
        "public.people.born", rule("email"),
        "public.people.email", rule("numeric_noise", "percent", "5"),
        "public.people.profile", rule("first_name")));
    assertTrue(problems.contains("rules.public.people.born: rule 'email' does not accept a column"
        + " of type date (it accepts text (and arrays of them))"), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(
        "rules.public.people.email: rule 'numeric_noise' does not accept a column of type text")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(
        "rules.public.people.profile: rule 'first_name' does not accept")), problems.toString());
  }

  @Test
  void aRuleThatCanCollideOnAUniqueColumnIsRejected() {
    List<String> problems = problems(Map.of(
        "public.people.email", rule("first_name"),
        "public.people.id", rule("random_int"),
        "public.people.token", rule("replacement", "value", "00000000-0000-0000-0000-000000000000")));
    for (String column : List.of("email", "id", "token")) {
      assertTrue(problems.stream().anyMatch(p -> p.startsWith("rules.public.people." + column + ": rule '")
          && p.contains("under a UNIQUE or PRIMARY KEY constraint")), problems.toString());
    }
    assertTrue(problems(Map.of("public.people.email", rule("hash", "length", "12"))).toString()
        .contains("UNIQUE or PRIMARY KEY"));
  }

  @Test
  void uniquePreservingRulesAreAcceptedOnUniqueColumns() throws Exception {
    RunPlan plan = new Planner(registry).plan(spec(List.of("public.people"), Map.of(
        "public.people.email", rule("hash", "length", "24"),
        "public.people.token", rule("uuid"))), "typed-ok");
    assertEquals(1, plan.tables().size());
  }
}
