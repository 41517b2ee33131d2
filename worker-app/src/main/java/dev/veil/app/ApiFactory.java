package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code api:} the REST API and the web page. With a {@code token}, every {@code /api/…} request
 * needs {@code Authorization: Bearer <token>} (401 otherwise). Without one the API is open, so it
 * must stay on loopback (the default bind address); the server warns at start.
 */
public class ApiFactory {

  private String token = "";

  @JsonProperty
  public String getToken() {
    return token;
  }

  @JsonProperty
  public void setToken(String token) {
    this.token = token == null ? "" : token;
  }

  public boolean isAuthenticated() {
    return !token.isEmpty();
  }

  @Override
  public String toString() {
    return "ApiFactory[token=" + (token.isEmpty() ? "(none)" : "(hidden)") + "]";
  }
}
