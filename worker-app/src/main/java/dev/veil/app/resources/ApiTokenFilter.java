package dev.veil.app.resources;

import dev.veil.app.api.ApiError;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Guards every REST resource method, whatever path variant reached it ({@code /api;x/…}, {@code
 * //api/…}, a trailing {@code /}): it is bound to the resource <em>methods</em> Jersey matched, not
 * to a path prefix.
 *
 * <ul>
 *   <li>With a token: 401 {@code {code, message}} without {@code Authorization: Bearer <api.token>}
 *       on every method except the static dashboard page ({@link PermitAll}). The token is compared
 *       in constant time, read only from the header (never the query string) and never logged.
 *   <li>Methods that change something (every method but GET/HEAD/OPTIONS) accept only {@code
 *       Content-Type: application/json} (415 otherwise, a missing type included), so a form or a
 *       {@code text/plain} POST from another web page cannot reach them.
 *   <li>Request bodies are capped at {@value #MAX_BODY_BYTES} bytes: 413 {@code {code, message}}.
 * </ul>
 */
public class ApiTokenFilter implements DynamicFeature {

  /** The largest request body the API reads. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  private final Optional<byte[]> tokenDigest;

  /** Authenticates with {@code token}; it must not be empty. */
  public ApiTokenFilter(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("api.token: must not be empty to authenticate");
    }
    this.tokenDigest = Optional.of(sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  private ApiTokenFilter() {
    this.tokenDigest = Optional.empty();
  }

  /**
   * No authentication (the API on loopback only), but the JSON-only and body-size rules still
   * hold.
   */
  public static ApiTokenFilter withoutToken() {
    return new ApiTokenFilter();
  }

  @Override
  public void configure(ResourceInfo resource, FeatureContext context) {
    Method method = resource.getResourceMethod();
    boolean isPublic =
        method.isAnnotationPresent(PermitAll.class)
            || resource.getResourceClass().isAnnotationPresent(PermitAll.class);
    if (tokenDigest.isPresent() && !isPublic) {
      context.register(new BearerTokenCheck(tokenDigest.get()), Priorities.AUTHENTICATION);
    }
    if (!isReadOnly(method)) {
      context.register(new JsonBodyCheck(), Priorities.AUTHENTICATION + 100);
    }
  }

  private static boolean isReadOnly(Method method) {
    return method.isAnnotationPresent(GET.class)
        || method.isAnnotationPresent(HEAD.class)
        || method.isAnnotationPresent(OPTIONS.class);
  }

  private static final class BearerTokenCheck implements ContainerRequestFilter {
    private static final String SCHEME = "Bearer ";
    private final byte[] expected;

    BearerTokenCheck(byte[] expected) {
      this.expected = expected;
    }

    @Override
    public void filter(ContainerRequestContext request) {
      String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
      String given =
          header != null && header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
              ? header.substring(SCHEME.length()).trim()
              : "";
      // digests of equal length, so the comparison time says nothing about the token
      if (!MessageDigest.isEqual(expected, sha256(given.getBytes(StandardCharsets.UTF_8)))) {
        request.abortWith(
            error(
                    Response.Status.UNAUTHORIZED,
                    "missing or wrong bearer token: send Authorization: Bearer <api.token>")
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"veil\"")
                .build());
      }
    }
  }

  private static final class JsonBodyCheck implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext request) {
      MediaType type = request.getMediaType();
      if (type == null || !MediaType.APPLICATION_JSON_TYPE.isCompatible(type)
          || type.isWildcardType() || type.isWildcardSubtype()) {
        request.abortWith(
            error(
                    Response.Status.UNSUPPORTED_MEDIA_TYPE,
                    "send Content-Type: application/json (an empty body is {})")
                .build());
        return;
      }
      if (request.getLength() > MAX_BODY_BYTES) {
        request.abortWith(tooLarge());
        return;
      }
      if (request.getLength() < 0 && request.hasEntity()) {
        // no Content-Length (chunked): read at most the cap and one byte more, here
        try {
          byte[] body = request.getEntityStream().readNBytes(MAX_BODY_BYTES + 1);
          if (body.length > MAX_BODY_BYTES) {
            request.abortWith(tooLarge());
            return;
          }
          request.setEntityStream(new ByteArrayInputStream(body));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private static Response tooLarge() {
    return error(
            Response.Status.REQUEST_ENTITY_TOO_LARGE,
            "request body larger than " + MAX_BODY_BYTES + " bytes")
        .build();
  }

  private static Response.ResponseBuilder error(Response.Status status, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ApiError(status.getStatusCode(), message, List.of()));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
