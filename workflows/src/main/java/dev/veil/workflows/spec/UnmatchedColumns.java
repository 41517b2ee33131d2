package dev.veil.workflows.spec;

/** What happens to a source column that has no rule. */
public enum UnmatchedColumns {
  /** Copy it as it is. */
  passthrough,
  /** Refuse to run, listing every such column: the guard against new PII columns. */
  fail
}
