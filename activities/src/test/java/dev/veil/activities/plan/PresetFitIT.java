package dev.veil.activities.plan;

import static dev.veil.activities.plan.PlanSpecs.problems;
import static dev.veil.activities.plan.PlanSpecs.rule;
import static dev.veil.activities.plan.PlanSpecs.withPreset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.RunPlan;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A preset never silently passes a column it flagged as a secret or an identifier: it masks it
 * with a rule that fits, or refuses the run naming the column, its type and why. Before the fix
 * every such misfit was only a warning and the column was copied as it was.
 */
class PresetFitIT {

  private static ConnectionSettings sourceDb;
  private static Planner planner;

  @BeforeAll
  static void source() throws Exception {
    sourceDb = TestPostgres.createDatabase("veil_preset_src");
    try (Connection c = TestPostgres.connect(sourceDb);
        Statement s = c.createStatement()) {
      s.execute("CREATE DOMAIN counter AS int");
      s.execute("CREATE TABLE logins (id int PRIMARY KEY, token_total counter NOT NULL, password varchar(16) NOT NULL,"
          + " api_key varchar(16) NOT NULL UNIQUE, reset_token varchar(6), apikey uuid,"
          + " ssn bigint, tokens_used int NOT NULL, password_changed_at timestamptz,"
          + " pwd char(40))");
      s.execute("CREATE TABLE pins (id int PRIMARY KEY, pin_token varchar(6) NOT NULL)");
      s.execute("CREATE TABLE citizens (id int PRIMARY KEY, ssn bigint NOT NULL,"
          + " private_key bytea NOT NULL)");
      s.execute("CREATE TABLE vault (id int PRIMARY KEY, secret varchar(6),"
          + " CONSTRAINT vault_secret_key UNIQUE NULLS NOT DISTINCT (secret))");
    }
    planner = new Planner(new ConnectionRegistry(Map.of("src", sourceDb,
        "tgt", sourceDb.withDatabase(sourceDb.database() + "_twin"))));
  }

  @AfterAll
  static void drop() {
    TestPostgres.dropDatabase(sourceDb);
  }

  private static Map<String, ColumnPlan> columns(RunPlan plan) {
    Map<String, ColumnPlan> out = new HashMap<>();
    plan.tables().get(0).columns().forEach(c -> out.put(c.name(), c));
    return out;
  }

  // Before: password, api_key, reset_token, apikey and ssn were all left unmasked (rule null in
  // the plan) with a warning each.
  @Test
  void secretsAndIdentifiersWhosePresetRuleDoesNotFitGetARuleThatFits() throws Exception {
    RunPlan plan = planner.plan(withPreset(List.of("public.logins"), Map.of()), "r-fit");
    Map<String, ColumnPlan> c = columns(plan);
    assertEquals("hash", c.get("password").rule());
    assertEquals(Map.of("length", "16"), c.get("password").params());
    // unique: 16 hex characters keep only 64 bits, 16 base64 characters keep 96
    assertEquals("hash", c.get("api_key").rule());
    assertEquals(Map.of("format", "base64", "length", "16"), c.get("api_key").params());
    assertEquals("null", c.get("reset_token").rule());
    assertEquals("uuid", c.get("apikey").rule());
    assertEquals("null", c.get("ssn").rule());
    assertEquals("hash", c.get("pwd").rule());
    assertEquals(Map.of("length", "40"), c.get("pwd").params());
    assertTrue(plan.warnings().contains("preset pii-default: public.logins.password matches"
        + " '*password*' (a secret), rule 'hash' does not fit, so it is masked with rule 'hash'"
        + " {length=16} instead"), plan.warnings().toString());
    // names that match but cannot hold a secret stay a warning, unmasked
    assertNull(c.get("tokens_used").rule());
    assertNull(c.get("password_changed_at").rule());
    assertNull(c.get("token_total").rule()); // a domain over int: judged by its category
    assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith(
        "preset pii-default: public.logins.tokens_used matches '*token*' but")),
        plan.warnings().toString());
  }

  // Before: the plan succeeded with a warning and pin_token was copied in clear.
  @Test
  void aSecretNoRuleFitsRefusesTheRunNamingColumnTypeAndWhy() {
    List<String> problems = problems(planner, withPreset(List.of("public.pins"), Map.of()));
    assertEquals(List.of("rules.public.pins.pin_token: preset pii-default flags pin_token"
        + " (character varying(6) NOT NULL) as a secret (pattern '*token*'), and no rule fits"
        + " it: rule 'hash' writes up to 64 characters but the column is character varying(6);"
        + " rule 'uuid' writes up to 36 characters but the column is character varying(6);"
        + " rule 'null' writes NULL but the column is NOT NULL. Give it an explicit rule that"
        + " fits, or rule: passthrough if it is not a secret"), problems);
  }

  // Before: the plan succeeded; ssn bigint NOT NULL got a warning and was copied in clear, and
  // private_key bytea NOT NULL matched no pattern at all.
  @Test
  void anIdentifierNoRuleFitsRefusesTheRun() {
    List<String> problems = problems(planner, withPreset(List.of("public.citizens"), Map.of()));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("rules.public.citizens.ssn: preset"
        + " pii-default flags ssn (bigint NOT NULL) as an identifier")), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("rules.public.citizens.private_key:"
        + " preset pii-default flags private_key (bytea NOT NULL) as a secret")),
        problems.toString());
  }

  // Before: a warning and the secret copied in clear. Rule null does not fit either: under
  // NULLS NOT DISTINCT two NULLs collide. An explicit rule still wins over the preset.
  @Test
  void aNullsNotDistinctSecretCannotFallBackToNullAndAnExplicitRuleStillWins() throws Exception {
    List<String> problems = problems(planner, withPreset(List.of("public.vault"), Map.of()));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("rules.public.vault.secret: preset"
        + " pii-default flags secret (character varying(6)) as a secret")
        && p.contains("rule 'null' writes NULL into secret, but the column is under a UNIQUE or"
        + " PRIMARY KEY constraint that treats NULLs as equal: unique constraint vault_secret_key"
        + " (secret) NULLS NOT DISTINCT")), problems.toString());
    RunPlan plan = planner.plan(withPreset(List.of("public.vault"),
        Map.of("public.vault.secret", rule("passthrough"))), "r-explicit");
    assertNull(columns(plan).get("secret").rule());
  }
}
