package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.delivery.StorageSettings;

/**
 * One entry of {@code deliveryStorages:}: how this agent reaches an S3-compatible storage that
 * delivery specs name ({@code target.delivery.storage}). The keys normally come from environment
 * variables ({@code ${VEIL_S3_SECRET_ACCESS_KEY:-}}) and are never printed. Without keys the AWS
 * SDK's default chain is used (environment, profile, instance or pod role).
 */
public class StorageFactory {

  private String endpoint;
  private String region = "us-east-1";
  private String accessKeyId;
  private String secretAccessKey;
  private boolean pathStyle = true;

  @JsonProperty
  public String getEndpoint() {
    return endpoint;
  }

  @JsonProperty
  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  @JsonProperty
  public String getRegion() {
    return region;
  }

  @JsonProperty
  public void setRegion(String region) {
    this.region = region;
  }

  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  public String getAccessKeyId() {
    return accessKeyId;
  }

  @JsonProperty
  public void setAccessKeyId(String accessKeyId) {
    this.accessKeyId = accessKeyId;
  }

  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  public String getSecretAccessKey() {
    return secretAccessKey;
  }

  @JsonProperty
  public void setSecretAccessKey(String secretAccessKey) {
    this.secretAccessKey = secretAccessKey;
  }

  @JsonProperty
  public boolean isPathStyle() {
    return pathStyle;
  }

  @JsonProperty
  public void setPathStyle(boolean pathStyle) {
    this.pathStyle = pathStyle;
  }

  public StorageSettings build() {
    return new StorageSettings(blankToNull(endpoint), blankToNull(region),
        blankToNull(accessKeyId), secretAccessKey, pathStyle);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @Override
  public String toString() {
    return "StorageFactory[endpoint=" + endpoint + ", region=" + region
        + ", accessKeyId=***, secretAccessKey=***, pathStyle=" + pathStyle + "]";
  }
}
