package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param connection name of a connection configured on the agent
 * @param schema schema the twin is written to (default {@code public}); source tables of every
 *     source schema land in this one schema, so their names must not collide
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record TargetSpec(String connection, String schema) {
  public String effectiveSchema() {
    return schema == null || schema.isBlank() ? "public" : schema;
  }
}
