package dev.veil.activities.delivery;

/**
 * How the agent reaches one named S3-compatible storage. Lives only in the agent's configuration;
 * never serialized into workflow inputs, logs or reports ({@link #toString()} hides the secret).
 *
 * @param endpoint the S3 endpoint URL ({@code https://minio.example:9000}), or null for AWS's
 * @param region the signing region (default {@code us-east-1}; MinIO and Ceph accept any)
 * @param accessKeyId the access key id, or null for the SDK's default credential chain
 * @param secretAccessKey the secret key
 * @param pathStyle path-style addressing ({@code endpoint/bucket/key}), needed by MinIO and Ceph
 */
public record StorageSettings(
    String endpoint, String region, String accessKeyId, String secretAccessKey,
    boolean pathStyle) {

  @Override
  public String toString() {
    return "StorageSettings[endpoint=" + endpoint + ", region=" + region + ", accessKeyId="
        + (accessKeyId == null ? null : "***") + ", secretAccessKey=***, pathStyle=" + pathStyle
        + "]";
  }
}
