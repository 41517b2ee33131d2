package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A delivery target: masked data as files under a folder or an S3-compatible bucket, instead of a
 * database twin. Credentials never appear here: {@code storage} names a storage configured on the
 * agent.
 *
 * @param to where deliveries go: {@code s3://bucket/prefix} or {@code file:///absolute/path}
 * @param format file format (default parquet)
 * @param compression compression of the files (default zstd)
 * @param keep how many published deliveries of the pipeline to keep (default 5); older ones are
 *     deleted after a new one is published
 * @param storage name of a storage configured on the agent ({@code deliveryStorages}); required
 *     for {@code s3://}, optional for {@code file://}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliverySpec(
    String to, DeliveryFormat format, DeliveryCompression compression, Integer keep,
    String storage) {

  public static final int DEFAULT_KEEP = 5;

  /** File formats a delivery can write. */
  public enum DeliveryFormat {
    parquet,
    csv,
    jsonl
  }

  /** Compressions a delivery can apply. */
  public enum DeliveryCompression {
    zstd,
    gzip,
    none
  }

  public DeliveryFormat effectiveFormat() {
    return format == null ? DeliveryFormat.parquet : format;
  }

  public DeliveryCompression effectiveCompression() {
    return compression == null ? DeliveryCompression.zstd : compression;
  }

  public int effectiveKeep() {
    return keep == null ? DEFAULT_KEEP : keep;
  }
}
