package dev.veil.activities.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule that declares itself unique-preserving (and may therefore run on UNIQUE and PRIMARY
 * KEY columns) maps 1,000,000 distinct inputs to 1,000,000 distinct outputs.
 */
class UniquenessTest {

  private static final int N = 1_000_000;
  private static final MaskingKey KEY = MaskingKey.of("uniqueness-key-0123456789");

  record Case(String rule, Map<String, String> params, ColumnType type, IntFunction<byte[]> input) {}

  private static IntFunction<byte[]> text(IntFunction<String> f) {
    return i -> f.apply(i).getBytes(StandardCharsets.UTF_8);
  }

  static List<Case> cases() {
    return List.of(
        new Case("email", Map.of(), ColumnType.TEXT, text(i -> "user" + i + "@mail.test")),
        new Case("hash", Map.of("length", "20"), ColumnType.TEXT, text(i -> "v" + i)),
        new Case("username", Map.of(), ColumnType.TEXT, text(i -> "login" + i)),
        new Case("uuid", Map.of(), ColumnType.parse("uuid"),
            i -> ByteBuffer.allocate(16).putLong(42).putLong(i).array()),
        new Case("phone", Map.of(), ColumnType.TEXT,
            text(i -> String.format("+1 555-%03d-%04d", i / 10_000, i % 10_000))),
        new Case("ssn", Map.of(), ColumnType.TEXT,
            text(i -> String.format("%03d-%02d-%04d", i / 1_000_000, (i / 10_000) % 100, i % 10_000))),
        new Case("zip", Map.of(), ColumnType.TEXT,
            text(i -> String.format("%05d-%04d", i / 10_000, i % 10_000))),
        new Case("credit_card", Map.of(), ColumnType.TEXT, text(RulePropertiesTest::card)),
        new Case("iban", Map.of(), ColumnType.TEXT, text(RulePropertiesTest::iban)),
        new Case("ip", Map.of(), ColumnType.TEXT,
            text(i -> "10." + (i >>> 16) + "." + ((i >>> 8) & 255) + "." + (i & 255))),
        new Case("ip", Map.of(), ColumnType.parse("inet"),
            i -> PgBinary.writeInet(new PgBinary.Inet(
                ByteBuffer.allocate(16).putLong(0x20010db800000000L).putLong(i).array(), 128, false))),
        new Case("date_shift", Map.of("consistent", "true"), ColumnType.parse("date"),
            i -> PgBinary.writeDate(i - N / 2)));
  }

  static Stream<Arguments> arguments() {
    return cases().stream().map(c -> Arguments.of(c.rule() + " " + c.type().formatted(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arguments")
  void distinctInputsGiveDistinctOutputs(String name, Case c) {
    assertTrue(Rules.find(c.rule()).uniquePreserving(c.params()), "declared unique-preserving");
    ValueTransform t = Rules.find(c.rule()).create(c.params(),
        new RuleContext(KEY, "col", s -> s.getBytes(StandardCharsets.UTF_8), c.type()));
    assertEquals(N, distinct(c.input()), "the generated inputs are distinct");
    assertEquals(N, distinct(i -> t.apply(c.input().apply(i))), "distinct outputs");
  }

  /**
   * How many distinct values {@code values} yields for 0..N-1: values with distinct 64-bit
   * fingerprints are distinct; values whose fingerprints coincide are compared byte for byte.
   */
  static int distinct(IntFunction<byte[]> values) {
    long[] fingerprints = new long[N];
    for (int i = 0; i < N; i++) {
      fingerprints[i] = fingerprint(values.apply(i));
    }
    long[] sorted = fingerprints.clone();
    java.util.Arrays.sort(sorted);
    Set<Long> shared = new HashSet<>();
    for (int i = 1; i < N; i++) {
      if (sorted[i] == sorted[i - 1]) {
        shared.add(sorted[i]);
      }
    }
    if (shared.isEmpty()) {
      return N;
    }
    Set<ByteBuffer> exact = new HashSet<>();
    int candidates = 0;
    for (int i = 0; i < N; i++) {
      if (shared.contains(fingerprints[i])) {
        candidates++;
        exact.add(ByteBuffer.wrap(values.apply(i)));
      }
    }
    return N - candidates + exact.size();
  }

  private static long fingerprint(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : b) {
      h = (h ^ (x & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  @Test
  void theCounterFindsDuplicates() {
    assertEquals(N / 2, distinct(i -> new byte[] {(byte) (i / 2 % 256), (byte) (i / 512 % 256),
        (byte) (i / 131072)}));
  }

  @Test
  void everyUniquePreservingRuleIsProvedHere() {
    Set<String> proved = cases().stream().map(Case::rule).collect(Collectors.toSet());
    Set<String> declared = Rules.all().stream()
        .filter(r -> !r.name().equals("passthrough") && r.uniquePreserving(Map.of()))
        .map(RuleType::name)
        .collect(Collectors.toSet());
    declared.removeAll(proved);
    assertEquals(Set.of(), declared, "unique-preserving rules without a 1M proof");
  }
}
