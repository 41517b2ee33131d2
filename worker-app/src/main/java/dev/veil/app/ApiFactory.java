package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.app.resources.ApiTokenFilter;
import org.slf4j.LoggerFactory;

/**
 * {@code api:} the REST API and the web page. With a {@code token}, every API resource needs
 * {@code Authorization: Bearer <token>} (401 otherwise). Without one the API is open, so it must
 * stay on loopback (the default bind address): the server refuses a non-loopback bind without a
 * token unless {@code protectedElsewhere: true} says a proxy in front authenticates.
 */
public class ApiFactory {

  private String token = "";

  private boolean protectedElsewhere;

  @JsonProperty
  public String getToken() {
    return token;
  }

  @JsonProperty
  public void setToken(String token) {
    this.token = token == null ? "" : token;
  }

  /** True when something in front of the agent (a proxy, a mesh) authenticates API callers. */
  @JsonProperty
  public boolean isProtectedElsewhere() {
    return protectedElsewhere;
  }

  @JsonProperty
  public void setProtectedElsewhere(boolean protectedElsewhere) {
    this.protectedElsewhere = protectedElsewhere;
  }

  public boolean isAuthenticated() {
    return !token.isEmpty();
  }

  /**
   * The guard every resource method goes through: the bearer token (when set), JSON-only mutating
   * calls and the body cap.
   */
  public ApiTokenFilter guard() {
    if (isAuthenticated()) {
      return new ApiTokenFilter(token);
    }
    LoggerFactory.getLogger(ApiFactory.class)
        .warn("REST API without authentication: set api.token (VEIL_API_TOKEN) before binding it"
            + " beyond loopback");
    return ApiTokenFilter.withoutToken();
  }

  @Override
  public String toString() {
    return "ApiFactory[token="
        + (token.isEmpty() ? "(none)" : "(hidden)")
        + ", protectedElsewhere="
        + protectedElsewhere
        + "]";
  }
}
