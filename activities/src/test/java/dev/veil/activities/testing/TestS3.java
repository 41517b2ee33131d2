package dev.veil.activities.testing;

import java.net.URI;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server in the test JVM: S3Proxy (Maven Central {@code org.gaul:s3proxy}),
 * which implements the S3 REST API with AWS V4 signatures on top of an Apache jclouds blobstore,
 * here jclouds' in-memory {@code transient} one. Chosen because it needs no container, no binary
 * download and no network beyond localhost, yet speaks the same protocol (signing, path-style
 * addressing, ListObjectsV2, multi-object delete) that MinIO, Ceph and R2 speak, through the same
 * AWS SDK client the agent uses. Listens on a free port of 127.0.0.1.
 */
public final class TestS3 implements AutoCloseable {

  private final S3Proxy proxy;
  private final BlobStoreContext context;

  public TestS3(String accessKey, String secretKey) throws Exception {
    Properties overrides = new Properties();
    context = ContextBuilder.newBuilder("transient")
        .credentials("unused", "unused")
        .overrides(overrides)
        .build(BlobStoreContext.class);
    proxy = S3Proxy.builder()
        .blobStore(context.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
        .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.onSpinWait();
    }
  }

  /** Creates a bucket. */
  public void createBucket(String bucket) {
    context.getBlobStore().createContainerInLocation(null, bucket);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
