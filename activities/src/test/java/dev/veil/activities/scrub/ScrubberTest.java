package dev.veil.activities.scrub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What leaves the agent: secrets removed everywhere, and in log text what a row may carry. */
class ScrubberTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void knownSecretsAreMaskedWhereverTheyAppear() {
    Scrubber scrubber = new Scrubber().secret("hunter2-longer").secret("ab");
    assertEquals(
        "login as bob/*** failed; ab", scrubber.scrub("login as bob/hunter2-longer failed; ab"));
  }

  @Test
  void urlQueryStringsAndUserInfoAreMasked() {
    Scrubber scrubber = new Scrubber();
    assertEquals(
        "jdbc:postgresql://db:5432/shop?*** and https://***@api.example/v1",
        scrubber.scrub(
            "jdbc:postgresql://db:5432/shop?user=a&password=b and https://u:p@api.example/v1"));
  }

  @Test
  void assignmentsAndBearerTokensAreMaskedKeepingQuotesButNotMereMentions() {
    Scrubber scrubber = new Scrubber();
    assertEquals(
        "password=*** apiKey: \"***\" Authorization: Bearer *** tokenCount=3",
        scrubber.scrub(
            "password=abc apiKey: \"x y\" Authorization: Bearer eyJ.abc-def tokenCount=3"));
  }

  @Test
  void secretNamedEnvironmentVariablesAreSecrets() {
    Scrubber scrubber =
        new Scrubber()
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
    JsonNode scrubbed = new Scrubber().scrubTree(tree);
    assertEquals("***", scrubbed.at("/masking/key").asText());
    assertEquals("***", scrubbed.at("/connections/shop/password").asText());
    assertEquals("jdbc:postgresql://db/shop?***", scrubbed.at("/connections/shop/url").asText());
    assertEquals("veil", scrubbed.at("/connections/shop/user").asText());
    assertEquals("", scrubbed.at("/cloud/token").asText(), "an unset secret stays visibly unset");
  }

  @Test
  void logLinesLoseSecretsCredentialPairsBearerTokensUrlUserInfoEmailsAndQuotedValues() {
    Scrubber scrubber = new Scrubber().secrets(List.of("hunter2-long", "abc"));
    assertEquals(
        "url jdbc:postgresql://***@h/db password=*** token: *** Bearer *** *** saw '***' \"***\" ***",
        scrubber.scrubLog(
            "url jdbc:postgresql://bob:pw@h/db password=p4ss token: t0k Bearer eyJabc.def"
                + " hunter2-long saw 'Alice' \"Bob\" alice@example.com"));
  }

  @Test
  void logLinesLoseKeyDetailsAndKeyAssignments() {
    assertEquals(
        "duplicate key value violates unique constraint; Key (***)=(***) already exists; key=***",
        new Scrubber().scrubLog("duplicate key value violates unique constraint;"
            + " Key (email)=(alice@example.com) already exists; key=k3y"));
  }

  @Test
  void shortSecretsAreNotUsedToScrubSoNormalWordsSurvive() {
    Scrubber scrubber = new Scrubber().secrets(List.of("hunter2-long", "abc"));
    assertEquals("task abc# started", scrubber.scrubLog("task abc# started"));
  }

  @Test
  void secretScrubbingLeavesEmailsAndQuotedTextForSupportToRead() {
    assertEquals("owner: 'ops team' <ops@example.com>",
        new Scrubber().scrub("owner: 'ops team' <ops@example.com>"));
  }

  @Test
  void veilsOwnLogLinesKeepTheirWordsButStillLoseSecretsAndEmails() {
    Scrubber scrubber = new Scrubber().secrets(List.of("hunter2-long"));
    assertEquals(
        "ERROR dev.veil.activities.rules.RuleContext rule 'email' needs a masking key: set"
            + " masking.key (VEIL_MASKING_KEY)",
        scrubber.scrubLog("ERROR dev.veil.activities.rules.RuleContext rule 'email' needs a"
            + " masking key: set masking.key (VEIL_MASKING_KEY)"));
    assertEquals("WARN dev.veil.x.Y password=*** *** for ***",
        scrubber.scrubLog("WARN dev.veil.x.Y password=hunter2-long hunter2-long for a@b.example"));
    assertEquals("WARN io.other.Lib rule '***' key: ***",
        scrubber.scrubLog("WARN io.other.Lib rule 'email' key: set"));
  }
}
