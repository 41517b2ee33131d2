package dev.veil.activities.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.schema.SchemaPreflight.AvailableExtension;
import dev.veil.activities.schema.SchemaPreflight.SourceExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The extension check on plain data: a real server with an extension that is not available
 * cannot be produced on the test machine (every contrib extension is installed there), so the
 * "available" side is given here; {@code SchemaPreflightIT} runs the same check on real catalogs.
 */
class SchemaPreflightTest {

  private static final List<SourceExtension> SOURCE =
      List.of(
          new SourceExtension("citext", "1.6", "public"),
          new SourceExtension("pgcrypto", "1.3", "shop"),
          new SourceExtension("postgis", "3.4.2", "gis"));

  @Test
  void anExtensionTheTargetDoesNotOfferIsNamedWithItsVersion() {
    Map<String, AvailableExtension> available =
        Map.of("pgcrypto", new AvailableExtension("pgcrypto", "1.3", true));
    List<String> problems = SchemaPreflight.missingExtensions(SOURCE, available, true, List.of("shop"));
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).startsWith(
            "extension citext 1.6 is installed in the source but not available on the target server"),
        problems.get(0));
    assertTrue(
        problems.get(1).startsWith("extension postgis 3.4.2 lives in schema gis, which is not copied"),
        problems.get(1));
  }

  @Test
  void anUntrustedExtensionNeedsASuperuserOnTheTarget() {
    Map<String, AvailableExtension> available =
        Map.of(
            "citext", new AvailableExtension("citext", "1.6", true),
            "pgcrypto", new AvailableExtension("pgcrypto", "1.3", false));
    List<String> problems =
        SchemaPreflight.missingExtensions(SOURCE.subList(0, 2), available, false, List.of("shop"));
    assertEquals(
        List.of(
            "extension pgcrypto 1.3 can only be created by a superuser on the target server:"
                + " create it in template1 there, or connect the target as a superuser"),
        problems);
    assertEquals(List.of(), SchemaPreflight.missingExtensions(SOURCE.subList(0, 2), available, true, List.of("shop")));
  }

  @Test
  void aWholeDatabaseCopyNeedsEveryExtension() {
    List<String> problems = SchemaPreflight.missingExtensions(SOURCE, Map.of(), true, List.of());
    assertEquals(3, problems.size());
    assertTrue(problems.get(2).startsWith("extension postgis 3.4.2 is installed in the source but not available"));
  }
}
