package dev.veil.workflows.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One twin column that holds personal data. Names and counts only, never a value.
 *
 * @param column {@code schema.table.column} of the twin
 * @param count values found (in the scanned sample)
 * @param kind {@code source_value} (values of an identifying source column reached the twin) or
 *     a detector kind such as {@code email}, {@code phone}
 * @param sourceColumn for {@code source_value}: the {@code schema.table.column} whose source
 *     values they are
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeakFinding(String column, long count, String kind, String sourceColumn) {

  public static final String SOURCE_VALUE = "source_value";

  /** {@code public.orders.customer_email: 1,204 source values of public.customers.email}. */
  public String describe() {
    String n = String.format(java.util.Locale.ROOT, "%,d", count);
    return SOURCE_VALUE.equals(kind)
        ? column + ": " + n + " source values of " + sourceColumn
        : column + ": " + n + " values that look like " + kind + " (no rule)";
  }
}
