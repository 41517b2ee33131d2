package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One column of a planned table, as resolved against the source catalog.
 *
 * @param name column name (validated against the catalog; always quoted in SQL)
 * @param type the column type as {@code format_type} prints it
 * @param rule rule name, or {@code null} to pass the value through
 * @param params rule parameters, validated by the rule
 * @param generated a stored generated column: created with its expression, not copied
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnPlan(
    String name, String type, String rule, Map<String, String> params, boolean generated) {

  public ColumnPlan {
    params = params == null ? Map.of() : params;
  }

  public boolean passesThrough() {
    return rule == null;
  }
}
