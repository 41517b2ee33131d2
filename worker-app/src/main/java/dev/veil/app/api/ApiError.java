package dev.veil.app.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Every error the REST API returns.
 *
 * @param code the HTTP status
 * @param message what went wrong, one line
 * @param problems for an invalid spec: each problem with its field
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiError(int code, String message, List<String> problems) {
  public ApiError(int code, String message) {
    this(code, message, List.of());
  }
}
