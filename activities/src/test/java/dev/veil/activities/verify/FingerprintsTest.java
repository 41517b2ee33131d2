package dev.veil.activities.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.scan.ContentDetectors;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

  private final Fingerprints fingerprints =
      new Fingerprints(MaskingKey.of("fingerprint-test-key-012345"), 5);

  @Test
  void shortCodesSmallNumbersAndDictionaryNamesAreNotWorthAFingerprint() {
    for (String value : List.of("M", "F", "US", "DE ", "gold", "12345", "123456", "Michael",
        "Michael Smith")) {
      assertNull(fingerprints.normalize(value), value);
    }
  }

  @Test
  void identifyingValuesAreComparedTrimmedAndLowerCased() {
    assertEquals("ann.lee@mail.test", fingerprints.normalize("  Ann.Lee@Mail.TEST "));
    assertEquals("+1 555 770001", fingerprints.normalize("+1 555 770001"));
    assertEquals(fingerprints.of(fingerprints.normalize("X9 Person@Mail.test")),
        fingerprints.of(fingerprints.normalize("x9 person@mail.test")));
    assertNotEquals(fingerprints.of("a@b.test1"), fingerprints.of("a@b.test2"));
  }

  @Test
  void theFastPathFingerprintsExactlyWhatTheNormalizedValueWouldGive() {
    long[] out = new long[1];
    for (String value : List.of("  Ann.Lee@Mail.TEST ", "+1 555 770001", "X9 Person@Mail.test",
        "\tZorblat Quexington\n", "ÉLODIE.MÜLLER@Exemple.FR", "Straße 12 Ost", "İstanbul 34000",
        "M", "12345", "Michael Smith", "gold", "DE89370400440532013000", "1234567")) {
      String normalized = fingerprints.normalize(value);
      assertEquals(normalized != null, fingerprints.fingerprint(value, out), value);
      if (normalized != null) {
        assertEquals(fingerprints.of(normalized), out[0], value);
      }
    }
  }

  @Test
  void freeTextYieldsItsEmailPhoneCardAndIbanTokens() {
    String note = "call +1 555 770001 or mail ann@mail.test; card 4111 1111 1111 1111,"
        + " IBAN DE89370400440532013000";
    List<String> tokens = ContentDetectors.tokens(note);
    assertEquals(List.of("+1 555 770001", "ann@mail.test", "4111 1111 1111 1111",
        "DE89370400440532013000"), tokens);
    assertEquals(Set.of("phone", "email", "credit_card", "iban"),
        ContentDetectors.kindsInText(note));
    assertEquals(Set.of(), ContentDetectors.kindsInText("leave it at the door, 2024-01-05"));
  }
}
