package dev.veil.activities.schema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code pg_restore -l}: {@code dumpId; tableoid oid DESC SCHEMA TAG OWNER}.
 *
 * <p>The list format does not quote: a description can be several words ({@code FK CONSTRAINT},
 * {@code MATERIALIZED VIEW DATA}) and so can a tag ({@code orders orders_customer_fk}, {@code
 * TABLE customers}, {@code f(integer, text)}). The description is matched against the ones
 * pg_dump writes (longest first); the schema is the next word ({@code -} when none), the owner the
 * last word, the tag what lies between. A schema or owner name with a space in it cannot be told
 * apart in this format; {@link #line} is always kept verbatim, and that is what a {@code -L} list
 * file receives.
 *
 * <p>Sections, the way pg_dump assigns them (pg_dump.c; pg_restore {@code --section} uses the
 * same): {@link #DATA_DESCS} are data; {@link #POST_DATA_DESCS} are post-data; {@code COMMENT},
 * {@code ACL} and {@code SECURITY LABEL} have no section of their own and belong to the section of
 * the entry before them (their object; pg_restore's {@code PrintTOCSummary} does the same);
 * everything else is pre-data.
 *
 * @param line the line as pg_restore printed it
 * @param dumpId the entry's dump id (first field)
 * @param desc the object kind, e.g. {@code TABLE}, {@code FK CONSTRAINT}
 * @param schema the schema, or {@code null} for objects outside schemas ({@code -})
 * @param tag the object's name as pg_dump tags it (several words for constraints, comments, …)
 * @param section {@code pre-data}, {@code data} or {@code post-data}
 */
public record TocEntry(
    String line, int dumpId, String desc, String schema, String tag, String section) {

  /** Descriptions in the data section. */
  static final Set<String> DATA_DESCS =
      Set.of("TABLE DATA", "SEQUENCE SET", "BLOBS", "BLOB DATA", "LARGE OBJECTS");

  /** Descriptions in the post-data section. */
  static final Set<String> POST_DATA_DESCS =
      Set.of(
          "INDEX",
          "INDEX ATTACH",
          "CONSTRAINT",
          "CHECK CONSTRAINT",
          "FK CONSTRAINT",
          "TRIGGER",
          "EVENT TRIGGER",
          "RULE",
          "POLICY",
          "ROW SECURITY",
          "STATISTICS",
          "DEFAULT ACL",
          "MATERIALIZED VIEW DATA",
          "PUBLICATION",
          "PUBLICATION TABLE",
          "PUBLICATION TABLES IN SCHEMA",
          "SUBSCRIPTION",
          "SUBSCRIPTION TABLE");

  /** Descriptions that take the section of the entry before them. */
  static final Set<String> INHERITING_DESCS = Set.of("COMMENT", "ACL", "SECURITY LABEL");

  /** Every description pg_dump 15-17 writes, longest first so that the longest match wins. */
  static final List<String> KNOWN_DESCS =
      List.of(
              "ACCESS METHOD", "ACL", "AGGREGATE", "BLOB", "BLOB DATA", "BLOB METADATA", "BLOBS",
              "CAST", "CHECK CONSTRAINT", "COLLATION", "COMMENT", "CONSTRAINT", "CONVERSION",
              "DATABASE", "DATABASE PROPERTIES", "DEFAULT", "DEFAULT ACL", "DOMAIN", "ENCODING",
              "EVENT TRIGGER", "EXTENSION", "FK CONSTRAINT", "FOREIGN DATA WRAPPER",
              "FOREIGN TABLE", "FUNCTION", "INDEX", "INDEX ATTACH", "LARGE OBJECT",
              "LARGE OBJECTS", "MATERIALIZED VIEW", "MATERIALIZED VIEW DATA", "OPERATOR",
              "OPERATOR CLASS", "OPERATOR FAMILY", "POLICY", "PROCEDURAL LANGUAGE", "PROCEDURE",
              "PUBLICATION", "PUBLICATION TABLE", "PUBLICATION TABLES IN SCHEMA", "ROW SECURITY",
              "RULE", "SCHEMA", "SEARCHPATH", "SECURITY LABEL", "SEQUENCE", "SEQUENCE OWNED BY",
              "SEQUENCE SET", "SERVER", "SHELL TYPE", "STATISTICS", "STDSTRINGS", "SUBSCRIPTION",
              "SUBSCRIPTION TABLE", "TABLE", "TABLE ATTACH", "TABLE DATA",
              "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY", "TEXT SEARCH PARSER",
              "TEXT SEARCH TEMPLATE", "TRANSFORM", "TRIGGER", "TYPE", "USER MAPPING", "VIEW")
          .stream()
          .sorted(Comparator.comparingInt(String::length).reversed())
          .toList();

  private static final Pattern LINE = Pattern.compile("^(\\d+);\\s+\\d+\\s+\\d+\\s+(.*)$");
  private static final Pattern UPPER_WORD = Pattern.compile("[A-Z]+");
  private static final Map<String, String> EXPLICIT_SECTION = explicitSections();

  /** True for entries that {@code pg_restore --section=pre-data} restores. */
  public boolean isPreData() {
    return Section.PRE_DATA.option().equals(section);
  }

  /** True for entries that {@code pg_restore --section=post-data} restores. */
  public boolean isPostData() {
    return Section.POST_DATA.option().equals(section);
  }

  /**
   * Parses the whole output of {@code pg_restore -l}; comment lines (starting with {@code ;}) and
   * blank lines are skipped. Sections are assigned in list order (see the class comment).
   *
   * @throws IllegalArgumentException on a line that is neither a comment nor an entry
   */
  public static List<TocEntry> parseList(String listing) {
    List<TocEntry> entries = new ArrayList<>();
    String current = Section.PRE_DATA.option();
    for (String line : listing.split("\\R")) {
      if (line.isBlank() || line.startsWith(";")) {
        continue;
      }
      TocEntry entry = parseLine(line, current);
      current = entry.section();
      entries.add(entry);
    }
    return List.copyOf(entries);
  }

  /** One entry line; {@code previousSection} is what a comment or ACL line inherits. */
  static TocEntry parseLine(String line, String previousSection) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a pg_restore -l entry: " + line);
    }
    int dumpId = Integer.parseInt(m.group(1));
    String rest = m.group(2);
    String desc = knownDesc(rest);
    // not stripped: an empty owner (extensions) leaves the line ending in a space
    String afterDesc = rest.length() > desc.length() ? rest.substring(desc.length() + 1) : "";
    int schemaEnd = afterDesc.indexOf(' ');
    if (schemaEnd <= 0) {
      throw new IllegalArgumentException("pg_restore -l entry without schema and tag: " + line);
    }
    String schemaWord = afterDesc.substring(0, schemaEnd);
    String schema = "-".equals(schemaWord) ? null : schemaWord;
    String tagAndOwner = afterDesc.substring(schemaEnd + 1);
    int ownerStart = tagAndOwner.lastIndexOf(' ');
    String tag = ownerStart < 0 ? tagAndOwner : tagAndOwner.substring(0, ownerStart);
    String section =
        INHERITING_DESCS.contains(desc)
            ? previousSection
            : EXPLICIT_SECTION.getOrDefault(desc, Section.PRE_DATA.option());
    return new TocEntry(line, dumpId, desc, schema, tag, section);
  }

  /** The known description the text starts with, else its leading upper-case words. */
  private static String knownDesc(String rest) {
    for (String desc : KNOWN_DESCS) {
      if (rest.startsWith(desc + " ")) {
        return desc;
      }
    }
    // A description from a newer pg_dump: its upper-case words, leaving schema, tag and owner.
    String[] words = rest.split(" ");
    int n = 0;
    while (n < words.length - 3 && UPPER_WORD.matcher(words[n]).matches()) {
      n++;
    }
    return String.join(" ", java.util.Arrays.copyOfRange(words, 0, Math.max(n, 1)));
  }

  private static Map<String, String> explicitSections() {
    Map<String, String> sections = new java.util.HashMap<>();
    DATA_DESCS.forEach(d -> sections.put(d, Section.DATA.option()));
    POST_DATA_DESCS.forEach(d -> sections.put(d, Section.POST_DATA.option()));
    return Map.copyOf(sections);
  }
}
