package dev.veil.workflows.scan;

import java.util.List;
import java.util.Map;

/**
 * A column that likely holds personal data. Counts and confidence only: never a sampled value.
 *
 * @param table schema.table
 * @param column column name
 * @param type the column type as {@code format_type} prints it
 * @param kind what was found: email, phone, credit_card, iban, ssn, ip, first_name, last_name,
 *     full_name, street_address, or a name-only kind such as birth_date
 * @param rule the suggested rule
 * @param params the suggested rule's parameters
 * @param confidence 0..1
 * @param sampled non-NULL values sampled
 * @param matched sampled values that matched {@code kind}'s content pattern
 * @param signals what the finding rests on: {@code name} and/or {@code content}
 */
public record ColumnFinding(
    String table,
    String column,
    String type,
    String kind,
    String rule,
    Map<String, String> params,
    double confidence,
    int sampled,
    int matched,
    List<String> signals) {}
