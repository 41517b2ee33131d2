package dev.veil.activities.subset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.config.SpecFormat;
import dev.veil.activities.config.SpecLoader;
import dev.veil.activities.config.SpecValidator;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.SubsetSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The subset section as users write it: parsed from YAML and checked for shape. */
class SubsetSpecTest {

  private static final String HEAD = String.join("\n",
      "id: shop",
      "source: {connection: src}",
      "target: {connection: tgt}",
      "");

  @Test
  void theIssuesExampleParsesWithBareConditionsSamplesEdgesAndVirtualKeys() {
    PipelineSpec spec = SpecLoader.parse(HEAD + String.join("\n",
        "subset:",
        "  roots:",
        "    public.customers: \"created_at >= now() - interval '30 days'\"",
        "    public.accounts:  {sample: 1}",
        "  edges:",
        "    public.orders.orders_customer_id_fkey: {limit: 100}",
        "    public.audit_log.audit_log_user_id_fkey: {follow: false}",
        "  virtualForeignKeys:",
        "    - {from: public.events.(subject_id), to: public.users.(id)}",
        "    - {from: public.comments.(target_id), to: public.posts.(id),"
            + " when: \"target_type = 'post'\"}",
        "  otherTables: empty",
        ""), SpecFormat.YAML);
    SubsetSpec subset = spec.subset();
    assertEquals(new SubsetSpec.Root("created_at >= now() - interval '30 days'", null),
        subset.roots().get("public.customers"));
    assertEquals(new SubsetSpec.Root(null, 1.0), subset.roots().get("public.accounts"));
    assertEquals(100, subset.edges().get("public.orders.orders_customer_id_fkey").limit());
    assertEquals(false,
        subset.edges().get("public.audit_log.audit_log_user_id_fkey").followed());
    assertEquals("target_type = 'post'", subset.virtualForeignKeys().get(1).when());
    assertEquals(SubsetSpec.OtherTables.empty, subset.effectiveOtherTables());
    assertEquals(List.of(), SpecValidator.validate(spec));
  }

  @Test
  void aMalformedSubsetIsRefusedFieldByField() {
    PipelineSpec spec = SpecLoader.parse(HEAD + String.join("\n",
        "subset:",
        "  roots:",
        "    customers: \"id = 1; DROP TABLE x\"",
        "    public.accounts: {sample: 0}",
        "  edges:",
        "    public.orders: {limit: 0}",
        "  virtualForeignKeys:",
        "    - {to: public.users.(id), when: \"a -- b\"}",
        ""), SpecFormat.YAML);
    String problems = String.join("\n", SpecValidator.validate(spec));
    assertTrue(problems.contains("subset.roots.customers: key must be schema.table"), problems);
    assertTrue(problems.contains("subset.roots.customers: must be one boolean expression"),
        problems);
    assertTrue(problems.contains("subset.roots.public.accounts.sample:"), problems);
    assertTrue(problems.contains("subset.edges.public.orders: key must be"), problems);
    assertTrue(problems.contains("subset.edges.public.orders.limit: must be at least 1"),
        problems);
    assertTrue(problems.contains("subset.virtualForeignKeys[0].from: required"), problems);
    assertTrue(problems.contains("subset.virtualForeignKeys[0].when: must be one"), problems);
  }

  @Test
  void aSubsetWithoutRootsIsRefused() {
    PipelineSpec spec = SpecLoader.parse(HEAD + "subset: {otherTables: whole}\n",
        SpecFormat.YAML);
    assertTrue(SpecValidator.validate(spec).stream()
        .anyMatch(p -> p.startsWith("subset.roots: required")), SpecValidator.validate(spec)
        .toString());
  }
}
