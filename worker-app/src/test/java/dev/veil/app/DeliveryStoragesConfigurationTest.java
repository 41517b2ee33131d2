package dev.veil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.delivery.StorageSettings;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deliveryStorages:} in the agent's configuration: named S3-compatible storages whose keys
 * come from the environment, are scrubbed from uploaded logs and are never printed.
 */
class DeliveryStoragesConfigurationTest {

  private static final String SECRET = "CANARY-storage-secret-51f0";

  private final YamlConfigurationFactory<VeilConfiguration> factory =
      new YamlConfigurationFactory<>(
          VeilConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

  @TempDir Path dir;

  @Test
  void aNamedStorageTakesItsKeysFromTheEnvironmentAndNeverPrintsThem() throws Exception {
    Path file = dir.resolve("veil.yml");
    Files.writeString(file, """
        deliveryStorages:
          minio:
            endpoint: http://minio.internal:9000
            accessKeyId: ${VEIL_S3_ACCESS_KEY_ID:-}
            secretAccessKey: ${VEIL_S3_SECRET_ACCESS_KEY:-}
        """);
    VeilConfiguration config = factory.build(new VeilConfigurationSourceProvider(Map.of(
        "VEIL_S3_ACCESS_KEY_ID", "veil-access", "VEIL_S3_SECRET_ACCESS_KEY", SECRET)::get),
        file.toString());

    assertTrue(config.deliveryStorageRegistry().has("minio"));
    StorageSettings settings = config.getDeliveryStorages().get("minio").build();
    assertEquals("http://minio.internal:9000", settings.endpoint());
    assertEquals("us-east-1", settings.region(), "MinIO and Ceph accept any region");
    assertTrue(settings.pathStyle(), "path-style by default, as MinIO and Ceph need");
    assertEquals(SECRET, settings.secretAccessKey());
    assertTrue(config.secrets().contains(SECRET), "scrubbed from uploaded log tails");
    assertFalse(config.toString().contains(SECRET));
    assertFalse(settings.toString().contains(SECRET));
    assertFalse(config.toString().contains("veil-access"));
    assertFalse(Jackson.newObjectMapper().writeValueAsString(config.getDeliveryStorages())
        .contains(SECRET), "keys are write-only");
  }
}
