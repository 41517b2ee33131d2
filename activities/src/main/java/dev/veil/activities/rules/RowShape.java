package dev.veil.activities.rules;

import java.util.List;

/**
 * The columns of the rows a transform sees, in COPY order, for rules that read other columns.
 *
 * @param names column names
 * @param types their types
 */
public record RowShape(List<String> names, List<ColumnType> types) {

  public static final RowShape NONE = new RowShape(List.of(), List.of());

  /** The index of a column, or -1. */
  public int indexOf(String name) {
    return names.indexOf(name);
  }
}
