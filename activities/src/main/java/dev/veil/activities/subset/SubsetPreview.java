package dev.veil.activities.subset;

import static dev.veil.activities.db.Sql.qualified;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * How many rows of each table a planned subset keeps, before anything is copied: estimated by the
 * source's planner ({@code EXPLAIN}), or counted exactly. Read only, in one repeatable-read
 * transaction on the source, so exact counts agree with each other.
 */
public final class SubsetPreview {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One table's size in the subset.
   *
   * @param table {@code schema.table} (a leaf partition for partitioned tables)
   * @param rows rows kept (estimated unless {@code exact})
   * @param exact counted rather than estimated
   * @param reason root / down from X / up from Y / whole / empty
   */
  public record Size(String table, long rows, boolean exact, String reason) {}

  private SubsetPreview() {}

  /** Each planned table's size in the subset, in plan order; empty when the plan has no subset. */
  public static List<Size> sizes(ConnectionRegistry connections, RunPlan plan, boolean exact)
      throws SQLException {
    List<Size> out = new ArrayList<>();
    if (plan.tables().stream().allMatch(t -> t.subset() == null)) {
      return out;
    }
    try (Connection c = connections.open(plan.sourceConnection(), "veil-check")) {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement s = c.createStatement()) {
        for (TablePlan t : plan.tables()) {
          String reason = t.subset() == null ? "whole" : t.subset().reason();
          if (t.mode() != dev.veil.workflows.spec.TableMode.copy) {
            out.add(new Size(t.qualifiedName(), 0, true, "empty"));
            continue;
          }
          String where = t.subset() == null || t.subset().predicate() == null
              ? "" : " WHERE " + t.subset().predicate();
          String from = " FROM ONLY " + qualified(t.sourceSchema(), t.name());
          if (exact) {
            try (ResultSet rs = s.executeQuery("SELECT count(*)" + from + where)) {
              rs.next();
              out.add(new Size(t.qualifiedName(), rs.getLong(1), true, reason));
            }
          } else {
            try (ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) SELECT 1" + from + where)) {
              rs.next();
              JsonNode top = JSON.readTree(rs.getString(1)).get(0).get("Plan");
              out.add(new Size(t.qualifiedName(), top.get("Plan Rows").asLong(), false, reason));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
              throw new SQLException("unreadable EXPLAIN output", e);
            }
          }
        }
      } finally {
        c.rollback();
      }
    }
    return out;
  }
}
