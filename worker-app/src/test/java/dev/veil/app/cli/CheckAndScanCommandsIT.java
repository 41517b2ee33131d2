package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.app.testing.CliRunner;
import dev.veil.app.testing.CliRunner.Result;
import dev.veil.app.testing.TestStack;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code veil check <pipeline>} plans against the real source without copying: it shows each
 * column's rule or passthrough, refuses an {@code unmatchedColumns: fail} pipeline naming every
 * unmatched column, and applies presets. {@code veil scan <connection>} reports likely PII
 * columns of the demo shop data with a rules block, and no sampled value.
 */
class CheckAndScanCommandsIT {

  private static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = new TestStack("veil_check_it");
    Files.writeString(stack.pipelines.resolve("guarded.yaml"), """
        id: guarded
        source: {connection: test-source}
        target: {connection: test-target}
        tables: {include: [public.orders]}
        rules:
          public.orders.customer_email: {rule: email}
          public.orders.shipping_address: {rule: street_address}
          public.orders.id: {rule: passthrough}
        unmatchedColumns: fail
        """);
    Files.writeString(stack.pipelines.resolve("preset.yaml"), """
        id: preset
        source: {connection: test-source}
        target: {connection: test-target}
        tables: {include: [public.customers]}
        rules:
          preset: pii-default
          public.customers.city: {rule: replacement, value: Springfield}
        """);
  }

  @Test
  void aConnectionThatCannotBeReachedIsNamedWithTheDriversReason() throws Exception {
    Files.writeString(stack.pipelines.resolve("offline.yaml"), """
        id: offline
        source: {connection: unreachable}
        target: {connection: test-target}
        rules:
          public.customers.email: {rule: email}
        """);
    try {
      Result result = CliRunner.run("check", "offline", "-c", stack.config.toString());
      assertEquals(1, result.code(), result.toString());
      assertTrue(result.err().startsWith("veil check: cannot connect to connection 'unreachable': "),
          result.toString());
      assertTrue(result.err().toLowerCase().contains("refused"), result.toString());
      assertTrue(!result.err().contains("unexpected error"), result.toString());
      assertTrue(!result.err().contains("s3cret-password-never-shown"), result.toString());
    } finally {
      Files.delete(stack.pipelines.resolve("offline.yaml"));
    }
  }

  @Test
  void scanOfAConnectionThatCannotBeReachedOrLoggedIntoNamesItWithTheDriversReason()
      throws Exception {
    Result refused = CliRunner.run("scan", "unreachable", "-c", stack.config.toString());
    assertEquals(1, refused.code(), refused.toString());
    assertTrue(refused.err().startsWith("veil scan: cannot connect to connection 'unreachable': "),
        refused.toString());
    assertTrue(refused.err().toLowerCase().contains("refused"), refused.toString());

    // the same server as test-source, as a role that does not exist: a login failure
    java.nio.file.Path config = stack.directory.resolve("no-such-role.yml");
    Files.writeString(config, Files.readString(stack.config).replace("\nconnections:\n",
        "\nconnections:\n  no-such-role:\n    url: " + stack.source.url()
            + "\n    user: veil_check_it_no_such_role\n"
            + "    password: s3cret-password-never-shown\n"));
    Result login = CliRunner.run("scan", "no-such-role", "-c", config.toString());
    assertEquals(1, login.code(), login.toString());
    assertTrue(login.err().startsWith("veil scan: cannot connect to connection 'no-such-role': "),
        login.toString());
    assertTrue(login.err().contains("veil_check_it_no_such_role"), login.toString());
    for (Result result : new Result[] {refused, login}) {
      assertTrue(!result.err().contains("unexpected error"), result.toString());
      assertTrue(!result.err().contains("PSQLException"), result.toString());
      assertTrue(!result.err().contains("s3cret-password-never-shown"), result.toString());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    stack.close();
  }

  @Test
  void checkOfAPipelineShowsEveryColumnsRuleAndWhatPassesThrough() throws Exception {
    Result result = CliRunner.run("check", "shop", "-c", stack.config.toString());
    assertEquals(0, result.code(), result.toString());
    String out = result.out();
    assertTrue(out.contains("pipeline shop: 2 tables from test-source (schemas public) into database "), out);
    assertTrue(out.contains(" of test-target\n"), out);
    assertTrue(out.matches("(?s).*\\n  email +text +email\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  last_name +text +hash \\{length: 12}\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  city +text +passthrough\\n.*"), out);
    assertTrue(out.contains("column would be copied unchanged") || out.contains("columns would be copied unchanged"), out);
    assertTrue(out.contains("  public.customers.city\n"), out);
    // nothing was written to the target
    try (Connection c = dev.veil.activities.testing.TestPostgres.connect(stack.target);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'veil_stage_%'"
            + " OR nspname = '_veil'")) {
      rs.next();
      assertEquals(0, rs.getInt(1));
    }
  }

  @Test
  void unmatchedColumnsFailListsEveryUnmatchedColumnAndExits2() {
    Result result = CliRunner.run("check", "guarded", "-c", stack.config.toString());
    assertEquals(2, result.code(), result.toString());
    assertTrue(result.err().contains("pipeline guarded would be refused"), result.toString());
    assertTrue(result.err().contains("unmatchedColumns: fail, and these columns have no rule"
        + " (give each a rule, or rule: passthrough if it is not PII): public.orders.customer_id,"
        + " public.orders.amount, public.orders.status, public.orders.ordered_at"), result.toString());
  }

  @Test
  void presetRulesShowUpAndExplicitRulesWin() {
    Result result = CliRunner.run("check", "preset", "-c", stack.config.toString());
    assertEquals(0, result.code(), result.toString());
    String out = result.out();
    assertTrue(out.matches("(?s).*\\n  email +text +email\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  phone +text +phone\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  first_name +text +first_name\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  birth_date +date +truncate_date \\{to: year}\\n.*"), out);
    assertTrue(out.matches("(?s).*\\n  city +text +replacement \\{value: Springfield}\\n.*"), out);
  }

  @Test
  void checkWithoutAPipelineValidatesEveryPipelineFile() {
    Result result = CliRunner.run("check", "-c", stack.config.toString());
    assertEquals(2, result.code(), result.toString());
    assertTrue(result.err().contains("pipeline broken would be refused"), result.toString());
    assertTrue(result.err().contains("no_such_rule"), result.toString());
    assertTrue(!result.err().contains("pipeline shop "), "shop is valid: " + result);
  }

  @Test
  void keyedRulesWithoutAMaskingKeyAreRefusedByCheckAndStartNamingTheSetting() throws Exception {
    java.nio.file.Path noKey = stack.directory.resolve("veil-no-key.yml");
    Files.writeString(noKey, stack.config(0, 0).replace(
        "key: " + TestStack.MASKING_KEY, "key: \"\""));
    for (String[] args : new String[][] {
        {"check", "shop", "-c", noKey.toString()},
        {"check", "-c", noKey.toString()},
        {"start", "shop", "-c", noKey.toString()}}) {
      Result result = CliRunner.run(args);
      assertEquals(2, result.code(), String.join(" ", args) + ": " + result);
      assertTrue(result.err().contains("rules email, hash need a masking key: set masking.key"),
          String.join(" ", args) + ": " + result);
    }
  }

  @Test
  void scanReportsLikelyPiiColumnsAndSuggestsRulesWithoutShowingValues() throws Exception {
    Result result = CliRunner.run("scan", "test-source", "--rows", "100", "-c", stack.config.toString());
    assertEquals(0, result.code(), result.toString());
    String out = result.out();
    assertTrue(out.startsWith("scanned test-source (schemas public): 2 tables"), out);
    assertTrue(out.matches("(?s).*\\n  public\\.customers\\.email +email +1\\.00 +name\\+content.*"), out);
    assertTrue(out.contains("\nrules:\n"), out);
    assertTrue(out.matches("(?s).*\\n  public\\.customers\\.phone: +\\{rule: phone}.*"), out);
    assertTrue(out.matches("(?s).*\\n  public\\.orders\\.customer_email: +\\{rule: email}.*"), out);
    try (Connection c = dev.veil.activities.testing.TestPostgres.connect(stack.source);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT email, phone, last_name FROM customers LIMIT 20")) {
      while (rs.next()) {
        for (int i = 1; i <= 3; i++) {
          String value = rs.getString(i);
          assertTrue(value == null || !out.contains(value), "a sampled value was printed");
        }
      }
    }
  }

  @Test
  void scanOfAnUnknownConnectionExits2() {
    Result result = CliRunner.run("scan", "nope", "-c", stack.config.toString());
    assertEquals(2, result.code(), result.toString());
    assertTrue(result.err().contains("connection 'nope' is not configured"), result.toString());
  }
}
