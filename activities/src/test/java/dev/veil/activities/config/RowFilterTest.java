package dev.veil.activities.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The hostile filters of the security probe and their relatives are all refused; ordinary filters
 * are accepted and come back parenthesised.
 */
class RowFilterTest {

  static final List<String> HOSTILE =
      List.of(
          // functions with side effects or reach outside the row
          "id > 0 and dblink_exec('dbname=other', 'delete from victim') = 'OK'",
          "dblink('dbname=other', 'select 1') is not null",
          "pg_terminate_backend(1234)",
          "id = 1 or pg_terminate_backend(pg_backend_pid())",
          "pg_cancel_backend(42) or true",
          "lo_export(16384, '/tmp/owned') > 0",
          "lo_import('/etc/passwd') > 0",
          "pg_read_file('/etc/hostname') is not null",
          "pg_read_binary_file('/etc/hostname') is not null",
          "length(pg_read_file('/etc/hostname')) > 0",
          "pg_ls_dir('/') is not null",
          "pg_sleep(100) is null",
          "id > 0 and pg_sleep(100) is not null",
          "pg_sleep_for('100 seconds') is null",
          "set_config('statement_timeout', '0', false) = '0'",
          "current_setting('data_directory') like '%'",
          "current_setting('is_superuser') = 'on'",
          "pg_catalog.pg_sleep(1) is null",
          "pg_catalog.set_config('a.b', 'c', false) is not null",
          "public.lower(email) = 'x'",
          "\"pg_sleep\"(1) is null",
          "query_to_xml('select * from secrets', true, true, '') is not null",
          "txid_current() > 0",
          "nextval('orders_id_seq') > 0",
          "setval('orders_id_seq', 1) > 0",
          "pg_advisory_lock(1) is null",
          "convert_from(decode('c2VsZWN0', 'base64'), 'UTF8') = 'x'",
          "repeat('x', 100000000) = email",
          "lpad('x', 1000000000) = email",
          "version() like '%'",
          "inet_server_addr() is not null",
          // subqueries in every position
          "id in (select id from secrets)",
          "exists (select 1 from secrets where password like 'a%')",
          "(select count(*) from secrets) > 0",
          "id = (select max(id) from secrets)",
          "id = any (select id from secrets)",
          "id = any(array(select id from secrets))",
          "id > all (select id from secrets)",
          "lower((select password from secrets limit 1)) = 'x'",
          "case when (select true) then true else false end",
          "id between (select 1) and 10",
          "coalesce((select 1), 0) = 1",
          "with x as (select 1) select * from x",
          "id in (with s as (select id from secrets) select id from s)",
          // statement stacking and comment games
          "id > 0; delete from customers",
          "id > 0; select pg_sleep(10)",
          "id > 0 -- and id < 10",
          "id > 0 /* */ or pg_sleep(1) is null",
          "id > 0 /*",
          "id > 0 */",
          // escaping the chunk predicate
          "id > 4990) or (id > 4990",
          "id > 1) or (true",
          "(id > 1",
          "id > 1)",
          "((id > 1)",
          // quoting differentials
          "U&\"\\0070g_sleep\"(1) is null",
          "U&'\\0041' = email",
          "email = E'\\x27 or pg_sleep(1) is null or \\x27'",
          "email = 'a\\' or pg_sleep(1) is null --'",
          "email = $$x$$ or pg_sleep(1) is null",
          "email = $tag$x$tag$",
          "id = $1",
          "id = ?",
          "id = :id",
          "email = 'unterminated",
          "\"unterminated = 1",
          // casts that call functions or read the catalog
          "'pg_sleep'::regproc is not null",
          "'secrets'::regclass::oid > 0",
          "email::text::regclass is not null",
          "cast('secrets' as regclass) is not null",
          "'now()'::regprocedure is not null",
          "id::oid > 0",
          "email::json->>'a' = 'b'",
          "id::int[] is not null",
          // qualified names and other tables
          "secrets.password = 'x'",
          "public.secrets.password is not null",
          "pg_catalog.pg_authid.rolpassword is not null",
          "current_user = 'postgres'",
          "session_user = 'postgres'",
          "current_schema = 'public'",
          // statements and clauses that are not expressions
          "copy customers to '/tmp/x'",
          "true union select 1",
          "delete from customers",
          "id > 0 order by id",
          "id > 0 limit 1",
          "count(*) > 0",
          "row_number() over () > 1",
          "email ~ '(a+)+$'",
          "email similar to '%x%'",
          "id & 1 = 1",
          "array[1,2] @> array[id]",
          "id > 0 into outfile '/tmp/x'",
          "(".repeat(1900) + "id > 1" + ")".repeat(1900),
          "id = " + "-".repeat(3000) + "1",
          "");

  static final List<String> LEGITIMATE =
      List.of(
          "id > 4990",
          "id between 1 and 1000",
          "country in ('DE', 'FR', 'NL')",
          "country not in ('US')",
          "created_at > now() - interval '30 days'",
          "created_at >= date_trunc('month', now())",
          "created_at >= current_date - 30",
          "created_at::date = current_date",
          "cast(created_at as date) >= date '2024-01-01'",
          "lower(email) like '%@example.com'",
          "email ilike '%@EXAMPLE.com'",
          "email not like 'test%'",
          "deleted_at is null",
          "deleted_at is not null and status <> 'archived'",
          "not (status = 'archived' or status = 'deleted')",
          "coalesce(region, 'none') = 'eu'",
          "length(name) > 3 and upper(country) = 'DE'",
          "abs(balance) < 1000.50",
          "extract(year from created_at) = 2024",
          "pg_catalog.lower(email) = 'a@b.c'",
          "\"createdAt\" > timestamp '2024-01-01 00:00:00'",
          "id % 10 = 0",
          "is_active",
          "is_active = true",
          "is_active is true",
          "price * quantity > 100",
          "case when kind = 'a' then 1 else 0 end = 1",
          "status is distinct from 'x'",
          "id::text like '1%'",
          "amount::numeric(10,2) > 5",
          "email = 'it''s'",
          "note = 'semicolon ; and -- dash inside a string'",
          "name = 'US$ price'",
          "(id > 1) and (id < 100)",
          "-id < 0");

  @Test
  void everyHostileFilterOfTheCorpusIsRefused() {
    assertTrue(HOSTILE.size() >= 50, "corpus size " + HOSTILE.size());
    List<String> accepted = new ArrayList<>();
    for (String filter : HOSTILE) {
      RowFilter.Verdict verdict = RowFilter.check(filter, null);
      if (verdict.accepted() || verdict.predicate() != null) {
        accepted.add(filter + " => " + verdict.predicate());
      }
    }
    assertEquals(List.of(), accepted);
  }

  @Test
  void ordinaryFiltersAreAcceptedAndRenderedInParentheses() {
    List<String> refused = new ArrayList<>();
    for (String filter : LEGITIMATE) {
      RowFilter.Verdict verdict = RowFilter.check(filter, null);
      if (!verdict.accepted()) {
        refused.add(filter + " => " + verdict.problems());
      } else {
        assertTrue(verdict.predicate().startsWith("(") && verdict.predicate().endsWith(")"));
        // the rendering is itself accepted: what runs is what was checked
        assertTrue(RowFilter.check(verdict.predicate(), null).accepted(), verdict.predicate());
      }
    }
    assertEquals(List.of(), refused);
  }

  @Test
  void reasonsNameTheConstructButNeverRepeatTheLiterals() {
    RowFilter.Verdict verdict =
        RowFilter.check("pg_read_file('/etc/secret-canary') is not null", null);
    assertNull(verdict.predicate());
    assertTrue(verdict.problems().get(0).contains("pg_read_file"), verdict.problems().toString());
    assertFalse(verdict.problems().toString().contains("secret-canary"));
    assertTrue(RowFilter.check("id in (select 1)", null).problems().get(0).contains("subquer"));
  }

  @Test
  void withTheTableColumnsKnownOnlyThoseColumnsMayBeNamed() {
    Set<String> columns = Set.of("id", "email", "createdAt");
    assertTrue(RowFilter.check("id > 1 and \"createdAt\" > now()", columns).accepted());
    RowFilter.Verdict other = RowFilter.check("password is not null", columns);
    assertFalse(other.accepted());
    assertTrue(other.problems().get(0).contains("password"), other.problems().toString());
    assertFalse(RowFilter.check("createdAt > now()", columns).accepted(), "unquoted folds");
  }

  @Test
  void theRenderingKeepsAnOrInsideItsParentheses() {
    String predicate = RowFilter.check("a = 1 or b = 2", null).predicate();
    assertEquals("(a = 1 OR b = 2)", predicate);
    String chunk = "id >= 10 and id < 20 and " + predicate;
    assertTrue(chunk.endsWith("(a = 1 OR b = 2)"));
  }
}
