package dev.veil.activities.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RulesTest {

  private static final MaskingKey KEY = MaskingKey.of("unit-test-key-0123456789");
  private static final MaskingKey OTHER = MaskingKey.of("another-key-9876543210");

  private static String apply(String rule, Map<String, String> params, MaskingKey key, String in) {
    ValueTransform t =
        Rules.find(rule).create(params, new RuleContext(key, "c", text -> text.getBytes(StandardCharsets.UTF_8)));
    byte[] out = t.apply(in.getBytes(StandardCharsets.UTF_8));
    return out == null ? null : new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void emailIsDeterministicValidAndKeyDependent() {
    String a = apply("email", Map.of(), KEY, "jane.doe@corp.example");
    assertEquals(a, apply("email", Map.of(), KEY, "jane.doe@corp.example"));
    assertTrue(a.matches("u[0-9a-f]{20}@example\\.com"), a);
    assertNotEquals(a, apply("email", Map.of(), OTHER, "jane.doe@corp.example"));
    assertFalse(a.contains("jane"));
    assertTrue(apply("email", Map.of("domain", "test.invalid"), KEY, "x@y.z").endsWith("@test.invalid"));
  }

  @Test
  void emailIsUniqueForUniqueInputs() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      assertTrue(seen.add(apply("email", Map.of(), KEY, "user" + i + "@mail.test")));
    }
  }

  @Test
  void hashHonoursFormatAndLength() {
    String hex = apply("hash", Map.of(), KEY, "123-45-6789");
    assertEquals(64, hex.length());
    assertTrue(hex.matches("[0-9a-f]+"));
    assertEquals(hex.substring(0, 12), apply("hash", Map.of("length", "12"), KEY, "123-45-6789"));
    String b64 = apply("hash", Map.of("format", "base64"), KEY, "123-45-6789");
    assertEquals(43, b64.length());
    assertNotEquals(hex, apply("hash", Map.of(), OTHER, "123-45-6789"));
  }

  @Test
  void randomStringHasTheLengthAndAlphabet() {
    String a = apply("random_string", Map.of("length", "9"), null, "secret");
    assertTrue(a.matches("[A-Za-z0-9]{9}"), a);
    assertNotEquals(a, apply("random_string", Map.of("length", "9"), null, "secret"));
  }

  @Test
  void nullAndReplacement() {
    assertNull(apply("null", Map.of(), null, "x"));
    assertEquals("fixed", apply("replacement", Map.of("value", "fixed"), null, "x"));
  }

  @Test
  void keyedRuleWithoutAKeySaysHowToSetOne() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> apply("email", Map.of(), null, "x@y.z"));
    assertTrue(e.getMessage().contains("VEIL_MASKING_KEY"));
  }

  @Test
  void parametersAreValidatedByName() {
    assertEquals("length: must be between 1 and 10000, got 0",
        Rules.find("random_string").validate(Map.of("length", "0")).get(0));
    assertTrue(Rules.find("hash").validate(Map.of("format", "hex32")).get(0).startsWith("format:"));
    assertTrue(Rules.find("email").validate(Map.of("colour", "red")).get(0)
        .startsWith("colour: unknown parameter of rule 'email'"));
    assertTrue(Rules.find("replacement").validate(Map.of()).get(0).startsWith("value: required"));
  }

  @Test
  void shortKeysAreRefusedAndKeysNeverPrint() {
    assertThrows(IllegalArgumentException.class, () -> MaskingKey.of("short"));
    assertFalse(KEY.toString().contains("unit-test-key"));
    assertArrayEquals(KEY.mac("p").doFinal(new byte[] {1}), KEY.mac("p").doFinal(new byte[] {1}));
  }

  @Test
  void keyedHashIsExactlyHmacSha256() {
    java.util.Random random = new java.util.Random(7);
    for (int length : new int[] {0, 1, 31, 55, 56, 63, 64, 65, 200, 1000}) {
      byte[] value = new byte[length];
      random.nextBytes(value);
      assertArrayEquals(KEY.mac("email").doFinal(value), KEY.keyedHash("email").hash(value));
    }
  }
}
