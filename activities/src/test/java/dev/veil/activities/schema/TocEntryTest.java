package dev.veil.activities.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parsing of {@code pg_restore -l}, on a real listing: pg_restore 15 over a schema-only archive
 * of {@code fixtures/rich-schema.sql} ({@code fixtures/rich-schema.toc.txt}).
 */
class TocEntryTest {

  private static List<TocEntry> sample() throws IOException {
    try (InputStream in = TocEntryTest.class.getResourceAsStream("/fixtures/rich-schema.toc.txt")) {
      return TocEntry.parseList(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static TocEntry find(List<TocEntry> entries, String desc, String tag) {
    return entries.stream()
        .filter(e -> e.desc().equals(desc) && e.tag().equals(tag))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + desc + " " + tag));
  }

  @Test
  void multiWordDescriptionsAndTagsAreSplitAtTheRightPlace() throws IOException {
    List<TocEntry> entries = sample();
    TocEntry fk = find(entries, "FK CONSTRAINT", "order_lines order_lines_order_fk");
    assertEquals("shop", fk.schema());
    assertEquals(3483, fk.dumpId());
    assertEquals("post-data", fk.section());
    assertEquals("3483; 2606 17172 FK CONSTRAINT shop order_lines order_lines_order_fk postgres", fk.line());

    TocEntry matview = find(entries, "MATERIALIZED VIEW", "product_sales");
    assertEquals("pre-data", matview.section());
    TocEntry owned = find(entries, "SEQUENCE OWNED BY", "orders_id_seq");
    assertEquals("pre-data", owned.section());
    assertEquals("pre-data", find(entries, "TABLE ATTACH", "orders_2024").section());
    assertEquals("post-data", find(entries, "INDEX ATTACH", "orders_2024_pkey").section());
    assertEquals("post-data", find(entries, "ROW SECURITY", "customers").section());
    assertEquals("post-data", find(entries, "POLICY", "customers customers_region").section());
    assertEquals("post-data", find(entries, "RULE", "notes notes_soft_delete").section());
    assertEquals("pre-data", find(entries, "FUNCTION", "normalize_email(text)").section());
  }

  @Test
  void extensionWithoutOwnerAndSchemaLessEntriesParse() throws IOException {
    List<TocEntry> entries = sample();
    TocEntry citext = find(entries, "EXTENSION", "citext");
    assertNull(citext.schema());
    assertEquals("pre-data", citext.section());
    assertNull(find(entries, "SCHEMA", "shop").schema());
  }

  @Test
  void commentsTakeTheSectionOfTheirObject() throws IOException {
    List<TocEntry> entries = sample();
    assertEquals("pre-data", find(entries, "COMMENT", "TABLE customers").section());
    assertEquals("post-data", find(entries, "COMMENT", "INDEX customers_lower_name_idx").section());
  }

  @Test
  void everyListedEntryIsParsedAndHeaderCommentsAreSkipped() throws IOException {
    List<TocEntry> entries = sample();
    // 82 entry lines (the header's "TOC Entries: 86" also counts ENCODING, STDSTRINGS, … that
    // pg_restore -l never lists)
    assertEquals(82, entries.size());
    assertEquals(
        List.of("\"shop\".\"product_sales\"", "\"shop\".\"top_products\""),
        SchemaArchive.materializedViewsInOrder(entries));
  }

  @Test
  void unknownDescriptionsFromNewerReleasesKeepTheirWords() {
    TocEntry e = TocEntry.parseLine("12; 0 0 SHINY NEW THING app widget alice", "post-data");
    assertEquals("SHINY NEW THING", e.desc());
    assertEquals("app", e.schema());
    assertEquals("widget", e.tag());
    assertEquals("pre-data", e.section());
  }

  @Test
  void garbageIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> TocEntry.parseList("not a toc line"));
  }
}
