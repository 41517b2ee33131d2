package dev.veil.activities.db;

import java.util.Map;

/**
 * How the agent reaches one named database. Lives only in the agent's local configuration; never
 * serialized into workflow inputs, logs or reports ({@link #toString()} hides the password).
 *
 * @param url JDBC URL, {@code jdbc:postgresql://host:port/db}
 * @param user user name
 * @param password password, may be empty
 * @param properties extra pgjdbc properties (sslmode, …)
 */
public record ConnectionSettings(
    String url, String user, String password, Map<String, String> properties) {

  public ConnectionSettings {
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  /**
   * The same server and credentials, another database: {@code jdbc:postgresql://host:port/db?…}
   * with {@code db} replaced (the twin's build database lives on the target's server).
   */
  public ConnectionSettings withDatabase(String database) {
    return new ConnectionSettings(JdbcUrls.withDatabase(url, database), user, password, properties);
  }

  /** The database this connection names. */
  public String database() {
    return JdbcUrls.database(url);
  }

  @Override
  public String toString() {
    return "ConnectionSettings[url=" + url + ", user=" + user + ", password=***]";
  }
}
