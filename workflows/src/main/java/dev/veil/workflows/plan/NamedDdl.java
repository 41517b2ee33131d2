package dev.veil.workflows.plan;

/**
 * One DDL statement that creates a named object, so a retried build can skip what exists.
 *
 * @param kind {@code constraint} or {@code index}
 * @param name the object's name
 * @param sql the statement, every identifier quoted
 */
public record NamedDdl(String kind, String name, String sql) {
  public static final String CONSTRAINT = "constraint";
  public static final String INDEX = "index";
}
