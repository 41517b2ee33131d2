package dev.veil.activities.schema;

/**
 * The three sections of a pg_dump archive, as {@code pg_restore --section} names them. Veil
 * restores {@link #PRE_DATA} before the copy and {@link #POST_DATA} after it; {@link #DATA} is
 * never restored from an archive (Veil's own engine moves the rows).
 */
public enum Section {
  PRE_DATA("pre-data"),
  DATA("data"),
  POST_DATA("post-data");

  private final String option;

  Section(String option) {
    this.option = option;
  }

  /** The value of {@code pg_restore --section=…}. */
  public String option() {
    return option;
  }
}
