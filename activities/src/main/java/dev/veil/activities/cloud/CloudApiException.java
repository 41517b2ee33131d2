package dev.veil.activities.cloud;

/**
 * The cloud API could not be reached or answered with an error, after retries where retrying made
 * sense. The message names the request and the status, never the token or a body.
 */
public class CloudApiException extends RuntimeException {
  private final int status;

  public CloudApiException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status, or 0 when no answer came. */
  public int status() {
    return status;
  }
}
