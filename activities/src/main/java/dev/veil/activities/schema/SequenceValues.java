package dev.veil.activities.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequence positions, carried from the source to the twin. A schema-only archive has no {@code
 * SEQUENCE SET} entries, so without this every {@code nextval} in the twin would start over and
 * collide with copied keys.
 *
 * <p>Sequences are not transactional: read under the run's snapshot, a sequence still shows its
 * current position, which is at or past the one at snapshot time. That is what a twin needs (no
 * key handed out twice); the values are only read ({@code SELECT last_value, is_called}), which a
 * hot standby allows. Sequences that belong to an extension are left to it.
 */
public final class SequenceValues {

  /** One sequence's position, as {@code setval(seq, lastValue, isCalled)} takes it. */
  public record SequenceValue(String schema, String name, long lastValue, boolean isCalled) {

    /** {@code "schema"."name"}. */
    public String qualifiedName() {
      return SchemaArchive.quoteIdent(schema) + "." + SchemaArchive.quoteIdent(name);
    }
  }

  /** Sequences read per statement (one UNION ALL). */
  private static final int BATCH = 200;

  private SequenceValues() {}

  /**
   * Reads the position of every sequence in {@code schemas} (every user schema when empty).
   * Read-only; the caller's transaction (the run's snapshot) is used as it is.
   */
  public static List<SequenceValue> read(Connection sourceInSnapshot, List<String> schemas)
      throws SQLException {
    List<String[]> sequences = new ArrayList<>();
    String sql =
        "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind = 'S'"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema', '"
            + SchemaArchive.VEIL_SCHEMA + "') AND n.nspname NOT LIKE 'pg\\_%'"
            + " AND (cardinality(?::text[]) = 0 OR n.nspname = ANY (?::text[]))"
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid ="
            + " 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"
            + " ORDER BY 1, 2";
    try (PreparedStatement ps = sourceInSnapshot.prepareStatement(sql)) {
      java.sql.Array array = sourceInSnapshot.createArrayOf("text", schemas.toArray());
      ps.setArray(1, array);
      ps.setArray(2, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sequences.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    }
    List<SequenceValue> values = new ArrayList<>();
    for (int from = 0; from < sequences.size(); from += BATCH) {
      List<String[]> batch = sequences.subList(from, Math.min(sequences.size(), from + BATCH));
      StringBuilder union = new StringBuilder();
      for (int i = 0; i < batch.size(); i++) {
        if (i > 0) {
          union.append(" UNION ALL ");
        }
        String[] s = batch.get(i);
        union.append("SELECT ").append(i).append(" AS i, last_value, is_called FROM ")
            .append(SchemaArchive.quoteIdent(s[0])).append('.').append(SchemaArchive.quoteIdent(s[1]));
      }
      try (Statement st = sourceInSnapshot.createStatement();
          ResultSet rs = st.executeQuery(union.append(" ORDER BY 1").toString())) {
        while (rs.next()) {
          String[] s = batch.get(rs.getInt(1));
          values.add(new SequenceValue(s[0], s[1], rs.getLong(2), rs.getBoolean(3)));
        }
      }
    }
    return List.copyOf(values);
  }

  /**
   * Sets each sequence of the twin to the source's position ({@code pg_catalog.setval}, quoted
   * names). Idempotent.
   */
  public static void apply(Connection twin, List<SequenceValue> values) throws SQLException {
    try (PreparedStatement ps =
        twin.prepareStatement("SELECT pg_catalog.setval(?::regclass, ?, ?)")) {
      for (SequenceValue v : values) {
        ps.setString(1, v.qualifiedName());
        ps.setLong(2, v.lastValue());
        ps.setBoolean(3, v.isCalled());
        ps.executeQuery().close(); // setval returns a row: no batch of SELECTs in pgjdbc
      }
    }
  }
}
