package dev.veil.activities.rules;

/**
 * A transform that reads other columns of the same row (a template, a per-person date shift).
 * The copy engine hands it the row's values after every plain transform ran, so a referenced
 * column that has a rule contributes its masked value, never the source value.
 */
public interface RowTransform extends ValueTransform {

  /**
   * The replacement for {@code value} in a row whose (already transformed) values are
   * {@code row}, in the row's column order; NULLs are {@code null}.
   */
  byte[] apply(byte[] value, byte[][] row);

  @Override
  default byte[] apply(byte[] value) {
    throw new IllegalStateException("this rule reads other columns of the row");
  }
}
