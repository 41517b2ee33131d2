package dev.veil.activities.subset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.copy.CopyEngine;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.plan.Planner;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.testing.HeldBuild;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.SubsetSpec;
import dev.veil.workflows.spec.SubsetSpec.Edge;
import dev.veil.workflows.spec.SubsetSpec.OtherTables;
import dev.veil.workflows.spec.SubsetSpec.Root;
import dev.veil.workflows.spec.SubsetSpec.VirtualKey;
import dev.veil.workflows.spec.TargetSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subsets of {@link SubsetFixture} planned, copied chunk by chunk into a build database and
 * finished with post-data, whose foreign keys (created after the load) prove the closure; row
 * sets are compared with hand-computed ones.
 */
class SubsetIT {

  private static final List<VirtualKey> COMMENTS_ON_ORDERS = List.of(new VirtualKey(
      "public.comments.(target_id)", "public.orders.(id)", "target_type = 'order'", null));

  private static ConnectionSettings source;
  private static ConnectionSettings target;
  private static ConnectionRegistry registry;

  @BeforeAll
  static void create() throws Exception {
    source = TestPostgres.createDatabase("veil_subset_src");
    target = TestPostgres.createDatabase("veil_subset_tgt");
    try (Connection c = TestPostgres.connect(source)) {
      SubsetFixture.create(c);
    }
    registry = new ConnectionRegistry(Map.of("src", source, "tgt", target));
  }

  @AfterAll
  static void drop() throws Exception {
    TestPostgres.dropDatabase(source);
    TestPostgres.dropDatabases(target.database());
  }

  private static PipelineSpec spec(SubsetSpec subset) {
    return new PipelineSpec("subset", "v", null, 2, null, new SourceSpec("src", null),
        new TargetSpec("tgt"), null, null, null, null, null, null, subset, null);
  }

  private static Map<String, Root> roots(String table, String where) {
    return Map.of(table, Root.of(where));
  }

  /** Plans, copies every chunk, restores post-data and returns each table's rows, sorted. */
  private static Map<String, List<String>> copy(SubsetSpec subset, String runId) throws Exception {
    return copy(subset, runId, true);
  }

  /**
   * As {@link #copy(SubsetSpec, String)}; {@code closureOnce} false makes every chunk evaluate
   * the subset's predicate itself, as plans recorded before the once-per-run closure do.
   */
  private static Map<String, List<String>> copy(SubsetSpec subset, String runId,
      boolean closureOnce) throws Exception {
    RunPlan plan = new Planner(registry).plan(spec(subset), runId);
    assertEquals(List.of(), plan.skippedConstraints(), "the subset keeps every foreign key");
    try (HeldBuild build = HeldBuild.prepare(registry, plan)) {
      try (Connection c = TestPostgres.connect(build.settings());
          Statement s = c.createStatement()) {
        assertEquals(1, count(s, "SELECT count(*) FROM _veil.steps WHERE step = 'subset'"),
            "the schema load evaluated the closure once");
        if (!closureOnce) {
          s.execute("DELETE FROM _veil.steps WHERE step = 'subset'");
        }
      }
      CopyEngine engine = new CopyEngine(registry, MaskingKey.of("subset-key-0123456789"));
      for (TablePlan t : plan.tables()) {
        for (int i = 0; i < t.chunks().size(); i++) {
          engine.copy(build.task(t, i), hb -> {});
        }
      }
      // post-data creates every foreign key after the load: it fails on a dangling reference
      build.twin().buildTwin(plan);
      Map<String, List<String>> rows = new TreeMap<>();
      try (Connection c = TestPostgres.connect(build.settings());
          Statement s = c.createStatement()) {
        assertEquals(0, foreignKeysNotValidated(s));
        assertEquals(0, count(s, "SELECT count(*) FROM pg_class WHERE relname = 'subset_rows'"),
            "the closure's source ctids are not left in the twin");
        for (String table : List.of("lookup", "categories", "products", "customers", "employees",
            "stores", "staff", "orders", "order_items", "shipments", "payments", "comments")) {
          List<String> out = new ArrayList<>();
          try (ResultSet rs = s.executeQuery(
              "SELECT t::text FROM public." + table + " t ORDER BY 1")) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          rows.put(table, out);
        }
      }
      return rows;
    }
  }

  private static long count(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static int foreignKeysNotValidated(Statement s) throws Exception {
    try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE NOT convalidated),"
        + " count(*) FROM pg_constraint WHERE contype = 'f' AND conparentid = 0")) {
      rs.next();
      assertEquals(14, rs.getInt(2), "every declared foreign key is in the twin");
      return rs.getInt(1);
    }
  }

  private static Map<String, List<String>> expected(String... tableRows) {
    Map<String, List<String>> out = new TreeMap<>();
    for (int i = 0; i < tableRows.length; i += 2) {
      out.put(tableRows[i], tableRows[i + 1].isEmpty()
          ? List.of() : List.of(tableRows[i + 1].split(" ")));
    }
    return out;
  }

  @Test
  void aRootBringsItsChildrenDownAndEveryReferencedRowUpThroughCyclesAndSelfReferences()
      throws Exception {
    Map<String, List<String>> rows = copy(new SubsetSpec(
        roots("public.customers", "id = 1"), null, COMMENTS_ON_ORDERS, null), "subset-root");
    assertEquals(expected(
        "lookup", "(a)",
        "categories", "(1,a) (2,a)",
        "products", "(1,1) (2,2)",
        "customers", "(1,Ann,a)",
        // 3 and 4 sold the orders, their managers up to the top come along
        "employees", "(1,) (2,1) (3,2) (4,1)",
        "stores", "(1,10,a)",
        // staff 11 works in store 1 but is reached only upward: no downward walk
        "staff", "(10,1)",
        "orders", "(100,1,3,1) (101,1,4,1)",
        "order_items", "(100,1,1) (100,2,2) (101,1,1)",
        "shipments", "(1,100,1)",
        "payments", "(1,100) (150,101)",
        "comments", "(1,order,100)"), rows);
    assertEquals(rows, copy(new SubsetSpec(roots("public.customers", "id = 1"), null,
            COMMENTS_ON_ORDERS, null), "subset-root-p", false),
        "chunks that evaluate the predicate themselves keep the same rows");
  }

  @Test
  void aSelfReferenceIsFollowedDownToAFixpointButRowsReachedUpwardStartNoDownwardWalk()
      throws Exception {
    Map<String, List<String>> rows = copy(new SubsetSpec(
        roots("public.employees", "id = 2"), null, COMMENTS_ON_ORDERS, null), "subset-self");
    assertEquals(List.of("(1,)", "(2,1)", "(3,2)"), rows.get("employees"));
    // order 104 was sold by employee 1, who is only the manager of an included row
    assertEquals(List.of("(100,1,3,1)", "(102,2,2,2)"), rows.get("orders"));
    assertEquals(List.of("(10,1)", "(20,2)"), rows.get("staff"));
    assertEquals(List.of("(1,order,100)", "(3,order,102)"), rows.get("comments"));
    assertEquals(List.of("(1,100,1)", "(2,102,1)"), rows.get("shipments"));
  }

  @Test
  void aLimitAndFollowFalseCutTheDownwardWalkAndOtherTablesEmptyLeavesUnreachedTablesEmpty()
      throws Exception {
    Map<String, Edge> edges = new LinkedHashMap<>();
    edges.put("public.orders.orders_customer_id_fkey", new Edge(1, null, null));
    edges.put("public.payments.payments_order_id_fkey", new Edge(null, false, null));
    Map<String, List<String>> rows = copy(new SubsetSpec(
        roots("public.customers", "id = 1"), edges, COMMENTS_ON_ORDERS, OtherTables.empty),
        "subset-limit");
    assertEquals(expected(
        "lookup", "(a)",
        "categories", "(1,a) (2,a)",
        "products", "(1,1) (2,2)",
        "customers", "(1,Ann,a)",
        "employees", "(1,) (2,1) (3,2)",
        "stores", "(1,10,a)",
        "staff", "(10,1)",
        "orders", "(100,1,3,1)",
        "order_items", "(100,1,1) (100,2,2)",
        "shipments", "(1,100,1)",
        "payments", "",
        "comments", "(1,order,100)"), rows);
  }

  @Test
  void otherTablesWholeKeepOnlyTheRowsWhoseReferencesArePresent() throws Exception {
    Map<String, Edge> edges = Map.of(
        "public.orders.orders_customer_id_fkey", new Edge(1, null, null),
        "public.payments.payments_order_id_fkey", new Edge(null, false, null));
    Map<String, List<String>> rows = copy(new SubsetSpec(
        roots("public.customers", "id = 1"), edges, COMMENTS_ON_ORDERS, OtherTables.whole),
        "subset-whole");
    // payments is not reached; of its rows only the one whose order is in the subset stays
    assertEquals(List.of("(1,100)"), rows.get("payments"));
    assertEquals(List.of("(100,1,3,1)"), rows.get("orders"));
  }

  @Test
  void nullIfMissingSetsAReferenceToNullInsteadOfBringingItsTargetIn() throws Exception {
    Map<String, List<String>> rows = copy(new SubsetSpec(
        roots("public.orders", "id = 102"),
        Map.of("public.orders.orders_employee_id_fkey", new Edge(null, null, true)),
        COMMENTS_ON_ORDERS, OtherTables.empty), "subset-null");
    assertEquals(expected(
        "lookup", "(a) (b)",
        "categories", "(2,a)",
        "products", "(3,2)",
        "customers", "(2,Bob,b)",
        "employees", "",
        "stores", "(2,20,b)",
        "staff", "(20,2)",
        "orders", "(102,2,,2)",
        "order_items", "(102,1,3)",
        "shipments", "(2,102,1)",
        "payments", "(151,102)",
        "comments", "(3,order,102)"), rows);
  }

  @Test
  void withoutNullIfMissingAReferenceIsNeverNulled() throws Exception {
    Map<String, List<String>> rows = copy(new SubsetSpec(
        roots("public.orders", "id = 102"), null, COMMENTS_ON_ORDERS, OtherTables.empty),
        "subset-nonull");
    assertEquals(List.of("(102,2,2,2)"), rows.get("orders"));
    assertEquals(List.of("(1,)", "(2,1)"), rows.get("employees"));
  }

  @Test
  void thePreviewCountsEachTablesRowsAndSaysWhyTheyAreThereBeforeAnythingIsCopied()
      throws Exception {
    Map<String, Edge> edges = Map.of(
        "public.payments.payments_order_id_fkey", new Edge(null, false, null));
    RunPlan plan = new Planner(registry).plan(spec(new SubsetSpec(
        roots("public.customers", "id = 1"), edges, COMMENTS_ON_ORDERS, OtherTables.whole)),
        "subset-preview");
    Map<String, String> shown = new TreeMap<>();
    for (SubsetPreview.Size size : SubsetPreview.sizes(registry, plan, true)) {
      assertTrue(size.exact());
      shown.put(size.table(), size.rows() + " " + size.reason());
    }
    assertEquals("1 root", shown.get("public.customers"));
    assertEquals("2 down from public.customers", shown.get("public.orders"));
    assertEquals("3 down from public.orders", shown.get("public.order_items"));
    assertEquals("4 up from public.orders", shown.get("public.employees"));
    assertEquals("1 up from public.stores", shown.get("public.staff"));
    assertEquals("1 whole, rows whose references are present", shown.get("public.payments_low"));
    assertEquals("1 whole, rows whose references are present", shown.get("public.payments_high"));
    for (SubsetPreview.Size size : SubsetPreview.sizes(registry, plan, false)) {
      assertTrue(!size.exact() && size.rows() >= 0, size.toString());
    }
  }

  @Test
  void unknownEdgesVirtualKeysAndNotNullReferencesAreRefusedNamingTheField() {
    SubsetSpec bad = new SubsetSpec(
        roots("public.customers", "id = 1"),
        Map.of("public.orders.no_such_fkey", new Edge(5, null, null),
            "public.orders.orders_customer_id_fkey", new Edge(null, null, true)),
        List.of(new VirtualKey("public.comments.(target_id)", "public.nothere.(id)", null, null),
            new VirtualKey("public.comments.(nocolumn)", "public.orders.(id)", null, null)),
        null);
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> new Planner(registry).plan(spec(bad), "subset-bad"));
    String message = String.join("\n", e.problems());
    assertTrue(message.contains("subset.edges.public.orders.no_such_fkey:"), message);
    assertTrue(message.contains("subset.virtualForeignKeys[0].to:"), message);
    assertTrue(message.contains("subset.virtualForeignKeys[1].from: column nocolumn"), message);
    assertTrue(message.contains(
        "subset.edges.public.orders.orders_customer_id_fkey.nullIfMissing:"), message);
  }

  @Test
  void aRootConditionTheSourceRefusesIsReportedUnderItsRoot() {
    SubsetSpec bad = new SubsetSpec(roots("public.customers", "no_column = 1"), null, null, null);
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> new Planner(registry).plan(spec(bad), "subset-badroot"));
    assertTrue(String.join("\n", e.problems()).contains("subset.roots.public.customers:"),
        String.join("\n", e.problems()));
  }
}
