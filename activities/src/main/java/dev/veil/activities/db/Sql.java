package dev.veil.activities.db;

/** Identifier quoting. Every identifier that reaches SQL goes through here. */
public final class Sql {
  private Sql() {}

  /** Quotes an identifier the way {@code quote_ident} always would. */
  public static String ident(String name) {
    if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid identifier");
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code "schema"."name"} */
  public static String qualified(String schema, String name) {
    return ident(schema) + "." + ident(name);
  }

  /** A string literal for the rare DDL place where binding is impossible (COMMENT, DEFAULT). */
  public static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid literal");
    }
    return "'" + value.replace("'", "''") + "'";
  }
}
