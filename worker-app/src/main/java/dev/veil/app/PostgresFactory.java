package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code postgres:} how the agent reaches PostgreSQL's own tools. The schema of every twin comes
 * from {@code pg_dump} and {@code pg_restore}, which must be at least as new as the source server.
 */
public class PostgresFactory {

  /** Directory holding pg_dump and pg_restore; empty: {@code VEIL_PG_BIN}, then PATH. */
  private String binDir;

  @JsonProperty
  public String getBinDir() {
    return binDir == null || binDir.isBlank() ? null : binDir;
  }

  @JsonProperty
  public void setBinDir(String binDir) {
    this.binDir = binDir;
  }
}
