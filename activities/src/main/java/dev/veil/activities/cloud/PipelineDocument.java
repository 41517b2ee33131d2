package dev.veil.activities.cloud;

/**
 * Answer of {@code GET /v1/pipelines/{id}}.
 *
 * @param status 200 (a new body), 304 (unchanged since the ETag sent) or 404 (no such pipeline)
 * @param etag the ETag without quotes (the config version), or {@code null}
 * @param body the spec as JSON, {@code null} unless status is 200
 */
public record PipelineDocument(int status, String etag, byte[] body) {
  public boolean notModified() {
    return status == 304;
  }

  public boolean notFound() {
    return status == 404;
  }
}
