package dev.veil.activities.rules;

/** The PostgreSQL base types rules know how to read and write in binary COPY format. */
public enum PgKind {
  TEXT,
  BOOL,
  INT2,
  INT4,
  INT8,
  FLOAT4,
  FLOAT8,
  NUMERIC,
  DATE,
  TIMESTAMP,
  TIMESTAMPTZ,
  UUID,
  INET,
  JSON,
  JSONB,
  OTHER;

  /** Integer and floating point kinds and numeric. */
  public boolean numeric() {
    return this == INT2 || this == INT4 || this == INT8 || this == FLOAT4 || this == FLOAT8
        || this == NUMERIC;
  }
}
