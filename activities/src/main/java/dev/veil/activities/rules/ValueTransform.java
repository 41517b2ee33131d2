package dev.veil.activities.rules;

/**
 * One column's transformation, applied to every non-NULL value of a chunk on one thread.
 * Values are in PostgreSQL's binary COPY format for the column's type; for string types that is
 * the UTF-8 text. Instances are not thread-safe: the engine makes one per task.
 */
@FunctionalInterface
public interface ValueTransform {
  /** The replacement value, or {@code null} to write SQL NULL. */
  byte[] apply(byte[] value);
}
