package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.db.ConnectionSettings;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code connections:}: how this agent reaches a database that specs name. The
 * password normally comes from an environment variable ({@code ${VEIL_SOURCE_PASSWORD:-}}) and is
 * never printed: {@link #toString()} hides it.
 */
public class ConnectionFactory {

  @NotBlank
  @Pattern(regexp = "jdbc:postgresql:.*", message = "must be a jdbc:postgresql: URL")
  private String url;

  private String user;

  private String password;

  /** Extra pgjdbc properties, e.g. {@code sslmode: verify-full}. */
  private Map<String, String> properties = new LinkedHashMap<>();

  @JsonProperty
  public String getUrl() {
    return url;
  }

  @JsonProperty
  public void setUrl(String url) {
    this.url = url;
  }

  @JsonProperty
  public String getUser() {
    return user;
  }

  @JsonProperty
  public void setUser(String user) {
    this.user = user;
  }

  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  public String getPassword() {
    return password;
  }

  @JsonProperty
  public void setPassword(String password) {
    this.password = password;
  }

  @JsonProperty
  public Map<String, String> getProperties() {
    return properties;
  }

  @JsonProperty
  public void setProperties(Map<String, String> properties) {
    this.properties = properties == null ? new LinkedHashMap<>() : properties;
  }

  public ConnectionSettings build() {
    return new ConnectionSettings(
        url, blankToNull(user), password == null ? "" : password, properties);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @Override
  public String toString() {
    return "ConnectionFactory[url=" + url + ", user=" + user + ", password=***]";
  }
}
