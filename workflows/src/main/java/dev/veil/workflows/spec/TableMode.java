package dev.veil.workflows.spec;

/** How a table is copied. */
public enum TableMode {
  /** Structure and rows. */
  copy,
  /** Structure only. */
  schema
}
