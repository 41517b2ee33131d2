package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.app.VeilConfigurationSourceProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What client commands read of the configuration without Dropwizard: the same layered file, only
 * the sections they use, still strict about those.
 */
class ClientSettingsTest {

  @TempDir Path dir;

  @Test
  void aUserFileLayersOverTheDefaultsAsForEveryCommand() throws Exception {
    Path file = Files.writeString(dir.resolve("veil.yml"), """
        temporal:
          namespace: staging
        pipelines:
          directory: /srv/specs
        masking:
          key: a-key-of-at-least-16-characters
        server:
          applicationConnectors: [{type: http, port: 9999}]
        """);
    ClientSettings settings = ClientSettings.read(file.toString(), "status");
    assertEquals("staging", settings.temporal().getNamespace());
    // not in the file: the bundled default (or VEIL_TEMPORAL_ADDRESS) is kept
    String address = System.getenv().getOrDefault("VEIL_TEMPORAL_ADDRESS", "localhost:7233");
    assertEquals(address, settings.temporal().getAddress());
    assertTrue(settings.hasMaskingKey());
  }

  @Test
  void theBundledDefaultsAloneHaveNoMaskingKeyUnlessTheEnvironmentSetsOne() throws Exception {
    ClientSettings settings = ClientSettings.read(VeilConfigurationSourceProvider.BUNDLED, "runs");
    String key = System.getenv("VEIL_MASKING_KEY");
    assertEquals(key != null && !key.isEmpty(), settings.hasMaskingKey());
  }

  @Test
  void aMistypedKeyInASectionTheyReadIsRefusedNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("veil.yml"), "temporal:\n  adress: x:7233\n");
    ExitException e =
        assertThrows(ExitException.class, () -> ClientSettings.read(file.toString(), "status"));
    assertEquals(ExitException.INVALID, e.code());
    assertTrue(e.getMessage().startsWith("veil status: " + file + " has an error at temporal.adress"),
        e.getMessage());
  }

  @Test
  void aShortMaskingKeyIsRefusedWithoutShowingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("veil.yml"), "masking:\n  key: short-secret\n");
    ExitException e =
        assertThrows(ExitException.class, () -> ClientSettings.read(file.toString(), "start"));
    assertEquals(ExitException.INVALID, e.code());
    assertTrue(e.getMessage().contains("masking.key: must be empty or at least 16 characters"),
        e.getMessage());
    assertFalse(e.getMessage().contains("short-secret"), e.getMessage());
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nope.yml");
    java.io.FileNotFoundException e = assertThrows(java.io.FileNotFoundException.class,
        () -> ClientSettings.read(missing.toString(), "status"));
    assertTrue(e.getMessage().contains("nope.yml"), e.getMessage());
  }
}
