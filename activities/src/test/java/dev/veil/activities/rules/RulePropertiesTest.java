package dev.veil.activities.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties every identifying text rule must have, checked on 2,000 generated inputs each:
 * deterministic under a fixed key, different under another key, never the input itself, output
 * of the declared format and within the declared length.
 */
class RulePropertiesTest {

  private static final MaskingKey KEY = MaskingKey.of("unit-test-key-0123456789");
  private static final MaskingKey OTHER = MaskingKey.of("another-key-9876543210");
  private static final int N = 2_000;

  record Case(String rule, Map<String, String> params, IntFunction<String> input, Pattern format) {}

  static Stream<Arguments> cases() {
    List<Case> cases = List.of(
        new Case("email", Map.of(), i -> "person" + i + "@corp.example",
            Pattern.compile("u[0-9a-f]{20}@example\\.com")),
        new Case("email", Map.of("keepDomain", "true"), i -> "person" + i + "@corp.example",
            Pattern.compile("u[0-9a-f]{20}@corp\\.example")),
        new Case("hash", Map.of("length", "16"), i -> "v" + i, Pattern.compile("[0-9a-f]{16}")),
        new Case("first_name", Map.of(), i -> "Name" + i, Pattern.compile("[A-Z][A-Za-z' -]+")),
        new Case("last_name", Map.of(), i -> "Surname" + i, Pattern.compile("[A-Z][A-Za-z' -]+")),
        new Case("full_name", Map.of(), i -> "Jane Doe " + i,
            Pattern.compile("[A-Z][A-Za-z'-]+ [A-Z][A-Za-z' -]+")),
        new Case("phone", Map.of(), i -> String.format("+44 20 %04d %04d", i / 10, i % 10_000),
            Pattern.compile("\\+44 \\d{2} \\d{4} \\d{4}")),
        new Case("phone", Map.of(), i -> String.format("(555) %03d-%04d", i % 1000, i),
            Pattern.compile("\\(\\d{3}\\) \\d{3}-\\d{4}")),
        new Case("street_address", Map.of(), i -> i + " Main Street",
            Pattern.compile("\\d{1,4} [A-Za-z' -]+ [A-Z][a-z]+")),
        new Case("city", Map.of(), i -> "Springfield" + i, Pattern.compile("[A-Z][A-Za-z' -]+")),
        new Case("zip", Map.of(), i -> String.format("%05d", i), Pattern.compile("\\d{5}")),
        new Case("company", Map.of(), i -> "Acme " + i, Pattern.compile("[A-Z][A-Za-z' ,-]+")),
        new Case("username", Map.of(), i -> "jdoe" + i,
            Pattern.compile("[a-z.]+\\.[0-9a-f]{12}")),
        new Case("ip", Map.of(), i -> "192.168." + (i / 256) + "." + (i % 256),
            Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")),
        new Case("ip", Map.of(), i -> "2001:db8::" + Integer.toHexString(i + 1),
            Pattern.compile("[0-9a-f:]+")),
        new Case("uuid", Map.of(), i -> new java.util.UUID(7, i).toString(),
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")),
        new Case("credit_card", Map.of(), RulePropertiesTest::card,
            Pattern.compile("4\\d{3} \\d{4} \\d{4} \\d{4}")),
        new Case("ssn", Map.of(), i -> String.format("%03d-%02d-%04d", 100 + i % 600, i % 100, i),
            Pattern.compile("\\d{3}-\\d{2}-\\d{4}")),
        new Case("iban", Map.of(), i -> iban(i), Pattern.compile("DE\\d{2} \\d{4} \\d{4} \\d{4} \\d{4} \\d{2}")),
        new Case("mask", Map.of("keepLast", "4"), i -> "4111111111" + String.format("%06d", i),
            Pattern.compile("\\*{12}\\d{4}")),
        new Case("scramble", Map.of(), i -> "AB-" + i + "-xy",
            Pattern.compile("[A-Z]{2}-\\d+-[a-z]{2}")));
    return cases.stream().map(c -> Arguments.of(c.rule() + " " + c.params(), c));
  }

  private static String apply(ValueTransform t, String in) {
    byte[] out = t.apply(in.getBytes(StandardCharsets.UTF_8));
    return out == null ? null : new String(out, StandardCharsets.UTF_8);
  }

  private static ValueTransform transform(Case c, MaskingKey key) {
    return Rules.find(c.rule()).create(c.params(),
        new RuleContext(key, "col", text -> text.getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void identifyingRuleIsKeyedDeterministicFormattedAndNeverTheInput(String name, Case c) {
    RuleType type = Rules.find(c.rule());
    assertTrue(type.validate(c.params()).isEmpty(), () -> type.validate(c.params()).toString());
    ValueTransform a = transform(c, KEY);
    ValueTransform again = transform(c, KEY);
    ValueTransform other = transform(c, OTHER);
    int maxLength = type.maxLength(c.params());
    int differentUnderOtherKey = 0;
    for (int i = 0; i < N; i++) {
      String in = c.input().apply(i);
      String out = apply(a, in);
      assertEquals(out, apply(again, in), "deterministic");
      assertNotEquals(in, out, "output equals its input");
      assertTrue(c.format().matcher(out).matches(), () -> "format of " + out);
      if (maxLength > 0) {
        assertTrue(out.length() <= maxLength, "longer than declared " + maxLength);
      } else if (!c.rule().equals("ip") && !c.rule().equals("email")
          && !c.rule().startsWith("street") && !type.getClass().getSuperclass().equals(PickRule.class)) {
        assertEquals(in.length(), out.length(), "format-preserving rule changed the length");
      }
      if (!out.equals(apply(other, in))) {
        differentUnderOtherKey++;
      }
    }
    if (type.keyed()) {
      // dictionary picks may coincide by chance; most values must differ under another key
      assertTrue(differentUnderOtherKey > N * 0.9,
          "only " + differentUnderOtherKey + " of " + N + " differ under another key");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void formatPreservingChecksStayValid(String name, Case c) {
    ValueTransform a = transform(c, KEY);
    for (int i = 0; i < 200; i++) {
      String out = apply(a, c.input().apply(i));
      if (c.rule().equals("credit_card")) {
        assertTrue(DigitRule.luhnValid(out), out);
      }
      if (c.rule().equals("iban")) {
        assertTrue(ibanValid(out), out);
      }
      if (c.rule().equals("phone") && c.input().apply(i).startsWith("+44")) {
        assertTrue(out.startsWith("+44 "), "country code kept");
      }
    }
  }

  static String card(int i) {
    char[] digits = String.format("4000%011d0", (long) i * 7919).toCharArray();
    DigitRule.fixLuhn(digits);
    String s = new String(digits);
    return s.substring(0, 4) + " " + s.substring(4, 8) + " " + s.substring(8, 12) + " "
        + s.substring(12);
  }

  static String iban(int i) {
    String bban = String.format("37040044%010d", (long) i);
    char[] chars = ("DE00" + bban).toCharArray();
    new IbanRule().finish(chars);
    String s = new String(chars);
    return s.substring(0, 4) + " " + s.substring(4, 8) + " " + s.substring(8, 12) + " "
        + s.substring(12, 16) + " " + s.substring(16, 20) + " " + s.substring(20);
  }

  static boolean ibanValid(String iban) {
    String s = iban.replace(" ", "");
    String r = s.substring(4) + s.substring(0, 4);
    StringBuilder n = new StringBuilder();
    for (char ch : r.toCharArray()) {
      n.append(Character.isDigit(ch) ? String.valueOf(ch) : String.valueOf(ch - 'A' + 10));
    }
    return new java.math.BigInteger(n.toString()).mod(java.math.BigInteger.valueOf(97)).intValue() == 1;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sameValueInTwoColumnsGetsTheSamePseudonym(String name, Case c) {
    // the purpose label is the rule, not the column: customers.email and orders.email agree
    ValueTransform customers = Rules.find(c.rule()).create(c.params(),
        new RuleContext(KEY, "customers.email", text -> text.getBytes(StandardCharsets.UTF_8)));
    ValueTransform orders = Rules.find(c.rule()).create(c.params(),
        new RuleContext(KEY, "orders.customer_email", text -> text.getBytes(StandardCharsets.UTF_8)));
    List<String> differ = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String in = c.input().apply(i);
      if (!apply(customers, in).equals(apply(orders, in))) {
        differ.add(in);
      }
    }
    assertFalse(c.rule().equals("scramble") ? false : !differ.isEmpty(), "differ: " + differ.size());
  }
}
