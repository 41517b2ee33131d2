package dev.veil.app.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.validation.constraints.Size;

/**
 * Optional body of {@code POST /api/runs/{runId}/cancel}.
 *
 * @param reason why, at most {@value #MAX_REASON_LENGTH} characters (422 naming {@code reason}
 *     otherwise)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CancelRunRequest(@Size(max = MAX_REASON_LENGTH) String reason) {
  public static final int MAX_REASON_LENGTH = 500;
}
