package dev.veil.activities.rules;

/**
 * What a rule may use when it is instantiated for a column.
 *
 * @param key the masking key, or {@code null} if none is configured
 * @param column the column name (a purpose label; never a value)
 * @param encoder encodes a text literal into the column type's binary format, via the database
 * @param type the column's type
 * @param row the columns of the row, for rules that read other columns
 */
public record RuleContext(
    MaskingKey key, String column, BinaryEncoder encoder, ColumnType type, RowShape row) {

  public RuleContext {
    type = type == null ? ColumnType.TEXT : type;
    row = row == null ? RowShape.NONE : row;
  }

  /** A context for a text column. */
  public RuleContext(MaskingKey key, String column, BinaryEncoder encoder) {
    this(key, column, encoder, ColumnType.TEXT, RowShape.NONE);
  }

  /** A context for a column of a type, without the row. */
  public RuleContext(MaskingKey key, String column, BinaryEncoder encoder, ColumnType type) {
    this(key, column, encoder, type, RowShape.NONE);
  }

  /** Encodes text into a column type's binary COPY representation. */
  @FunctionalInterface
  public interface BinaryEncoder {
    byte[] encode(String text);
  }

  public RuleContext withType(ColumnType newType) {
    return new RuleContext(key, column, encoder, newType, row);
  }

  public MaskingKey requireKey(String rule) {
    if (key == null) {
      throw new IllegalStateException(
          "rule '" + rule + "' needs a masking key: set masking.key (VEIL_MASKING_KEY)");
    }
    return key;
  }
}
