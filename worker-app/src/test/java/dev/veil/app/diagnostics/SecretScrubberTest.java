package dev.veil.app.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the diagnostics bundle's scrubber removes, and what it leaves for support to read. */
class SecretScrubberTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void knownSecretsAreMaskedWhereverTheyAppear() {
    SecretScrubber scrubber = new SecretScrubber().secret("hunter2-longer").secret("ab");
    assertEquals(
        "login as bob/*** failed; ab", scrubber.scrub("login as bob/hunter2-longer failed; ab"));
  }

  @Test
  void urlQueryStringsAndUserInfoAreMasked() {
    SecretScrubber scrubber = new SecretScrubber();
    assertEquals(
        "jdbc:postgresql://db:5432/shop?*** and https://***@api.example/v1",
        scrubber.scrub(
            "jdbc:postgresql://db:5432/shop?user=a&password=b and https://u:p@api.example/v1"));
  }

  @Test
  void assignmentsAndBearerTokensAreMaskedKeepingQuotesButNotMereMentions() {
    SecretScrubber scrubber = new SecretScrubber();
    assertEquals(
        "password=*** apiKey: \"***\" Authorization: Bearer *** tokenCount=3",
        scrubber.scrub(
            "password=abc apiKey: \"x y\" Authorization: Bearer eyJ.abc-def tokenCount=3"));
  }

  @Test
  void secretNamedEnvironmentVariablesAreSecrets() {
    SecretScrubber scrubber =
        new SecretScrubber()
            .secretsFromEnvironment(
                Map.of(
                    "VEIL_CONN_SHOP_PASSWORD",
                    "pw-from-env",
                    "VEIL_CLOUD_API_TOKEN",
                    "tok-123",
                    "HOME",
                    "/home/veil"));
    assertEquals("*** *** /home/veil", scrubber.scrub("pw-from-env tok-123 /home/veil"));
  }

  @Test
  void configurationTreesLoseSecretValuesButKeepTheirShape() throws Exception {
    JsonNode tree =
        YAML.readTree(
            """
            masking: {key: abcdefghijklmnop}
            connections:
              shop: {url: "jdbc:postgresql://db/shop?password=x", user: veil, password: "s3cret"}
            cloud: {token: ""}
            """);
    JsonNode scrubbed = new SecretScrubber().scrubTree(tree);
    assertEquals("***", scrubbed.at("/masking/key").asText());
    assertEquals("***", scrubbed.at("/connections/shop/password").asText());
    assertEquals("jdbc:postgresql://db/shop?***", scrubbed.at("/connections/shop/url").asText());
    assertEquals("veil", scrubbed.at("/connections/shop/user").asText());
    assertEquals("", scrubbed.at("/cloud/token").asText(), "an unset secret stays visibly unset");
  }
}
