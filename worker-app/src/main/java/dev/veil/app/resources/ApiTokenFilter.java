package dev.veil.app.resources;

import dev.veil.app.api.ApiError;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Bearer-token authentication of every {@code /api/…} request: 401 {@code {code, message}} without
 * {@code Authorization: Bearer <api.token>}. The token is compared in constant time and never
 * logged. The web page at {@code /} is static and needs no token (it asks for one).
 */
@Priority(Priorities.AUTHENTICATION)
public class ApiTokenFilter implements ContainerRequestFilter {

  private final byte[] expected;

  public ApiTokenFilter(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("api.token: must not be empty to authenticate");
    }
    this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!(path.startsWith("api/") || path.startsWith("/api/") || path.equals("api"))) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, given)) {
      request.abortWith(
          Response.status(Response.Status.UNAUTHORIZED)
              .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"veil\"")
              .type(MediaType.APPLICATION_JSON_TYPE)
              .entity(
                  new ApiError(
                      401,
                      "missing or wrong bearer token: send Authorization: Bearer <api.token>",
                      List.of()))
              .build());
    }
  }
}
