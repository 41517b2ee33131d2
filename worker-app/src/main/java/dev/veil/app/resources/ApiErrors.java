package dev.veil.app.resources;

import dev.veil.app.api.ApiError;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * JAX-RS exceptions whose body is an {@link ApiError}, so every error is {@code {code, message}}.
 */
final class ApiErrors {
  private ApiErrors() {}

  static WebApplicationException of(Response.Status status, String message) {
    return of(status, message, List.of());
  }

  static WebApplicationException of(Response.Status status, String message, List<String> problems) {
    return new WebApplicationException(
        message,
        Response.status(status)
            .type(MediaType.APPLICATION_JSON_TYPE)
            .entity(new ApiError(status.getStatusCode(), message, problems))
            .build());
  }
}
