package dev.veil.activities.rules;

/**
 * What a rule may use when it is instantiated for a column.
 *
 * @param key the masking key, or {@code null} if none is configured
 * @param column the column name (a purpose label; never a value)
 * @param encoder encodes a text literal into the column type's binary format, via the database
 * @param type the column's type
 */
public record RuleContext(MaskingKey key, String column, BinaryEncoder encoder, ColumnType type) {

  public RuleContext {
    type = type == null ? ColumnType.TEXT : type;
  }

  /** A context for a text column. */
  public RuleContext(MaskingKey key, String column, BinaryEncoder encoder) {
    this(key, column, encoder, ColumnType.TEXT);
  }

  /** Encodes text into a column type's binary COPY representation. */
  @FunctionalInterface
  public interface BinaryEncoder {
    byte[] encode(String text);
  }

  public RuleContext withType(ColumnType newType) {
    return new RuleContext(key, column, encoder, newType);
  }

  public MaskingKey requireKey(String rule) {
    if (key == null) {
      throw new IllegalStateException(
          "rule '" + rule + "' needs a masking key: set masking.key (VEIL_MASKING_KEY)");
    }
    return key;
  }
}
