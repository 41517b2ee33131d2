package dev.veil.activities.delivery;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Deliveries in an S3-compatible bucket through the AWS SDK v2. A PUT replaces an object whole,
 * which is what makes a retried part overwrite rather than duplicate. SDK errors are reworded with
 * the operation and the HTTP status only: their messages can carry request ids and headers.
 */
final class S3Storage implements DeliveryStorage {

  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  S3Storage(StorageSettings settings, String bucket, String prefix) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(settings.region() == null ? "us-east-1" : settings.region()))
            // checksums only where the API requires them: S3-compatible servers (MinIO, Ceph,
            // R2, GCS) do not all accept the SDK's default trailing checksums
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
    if (settings.endpoint() != null && !settings.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    builder.credentialsProvider(
        settings.accessKeyId() == null
            ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(
                AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())));
    this.s3 = builder.build();
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
  }

  @Override
  public void put(String key, Path file) throws IOException {
    try {
      s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromFile(file));
    } catch (SdkException e) {
      throw wrapped("PUT", e);
    }
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    try {
      s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw wrapped("PUT", e);
    }
  }

  @Override
  public Optional<byte[]> get(String key) throws IOException {
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key))
          .asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw wrapped("GET", e);
    }
  }

  @Override
  public List<String> list(String under) throws IOException {
    try {
      List<String> keys = new ArrayList<>();
      for (S3Object o :
          s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + under)).contents()) {
        keys.add(o.key().substring(prefix.length()));
      }
      return keys;
    } catch (SdkException e) {
      throw wrapped("LIST", e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(prefix + key));
    } catch (SdkException e) {
      throw wrapped("DELETE", e);
    }
  }

  /**
   * One DELETE per object rather than a multi-object delete: GCS's S3 interoperability has no
   * multi-object delete, and S3-compatible servers differ on the checksum it must carry. A
   * delivery holds a few files per table, so the difference is small.
   */
  @Override
  public void deleteAll(String under) throws IOException {
    for (String key : list(under)) {
      delete(key);
    }
  }

  @Override
  public String uri(String key) {
    return "s3://" + bucket + "/" + prefix + key;
  }

  @Override
  public void close() {
    s3.close();
  }

  private IOException wrapped(String operation, SdkException e) {
    String status =
        e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException service
            ? "HTTP " + service.statusCode()
                + (service.awsErrorDetails() == null
                    ? "" : " " + service.awsErrorDetails().errorCode())
            : e.getClass().getSimpleName();
    String message = "storage " + operation + " on s3://" + bucket + "/" + prefix + " failed ("
        + status + ")";
    if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException service
        && (service.statusCode() == 401 || service.statusCode() == 403)) {
      return new StorageRefusedException(message + ": check the storage's credentials and"
          + " permissions in the agent's configuration");
    }
    return new IOException(message);
  }
}
