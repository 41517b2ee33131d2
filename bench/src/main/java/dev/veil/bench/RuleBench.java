package dev.veil.bench;

import dev.veil.activities.rules.ColumnType;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.activities.rules.PgBinary;
import dev.veil.activities.rules.RuleContext;
import dev.veil.activities.rules.RuleType;
import dev.veil.activities.rules.Rules;
import dev.veil.activities.rules.ValueTransform;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Throughput of each rule on one thread, in values per second: the transform alone, on inputs in
 * the binary format the copy engine hands it (UTF-8 for text, the type's send format otherwise).
 * Plain harness: one second of warm-up, then the best of three one-second rounds.
 */
public final class RuleBench {

  private static final int INPUTS = 4096;

  record Case(String rule, Map<String, String> params, String type, IntFunction<byte[]> input) {}

  private RuleBench() {}

  private static IntFunction<byte[]> text(IntFunction<String> f) {
    return i -> f.apply(i).getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) {
    List<Case> cases = List.of(
        new Case("passthrough", Map.of(), "text", text(i -> "value " + i)),
        new Case("null", Map.of(), "text", text(i -> "value " + i)),
        new Case("replacement", Map.of("value", "x"), "text", text(i -> "value " + i)),
        new Case("random_string", Map.of("length", "12"), "text", text(i -> "value " + i)),
        new Case("hash", Map.of("length", "16"), "text", text(i -> "user" + i + "@mail.example")),
        new Case("email", Map.of(), "text", text(i -> "user" + i + "@mail.example")),
        new Case("first_name", Map.of(), "text", text(i -> "Name" + i)),
        new Case("last_name", Map.of(), "text", text(i -> "Surname" + i)),
        new Case("full_name", Map.of(), "text", text(i -> "Jane Doe" + i)),
        new Case("street_address", Map.of(), "text", text(i -> i + " Main Street")),
        new Case("city", Map.of(), "text", text(i -> "Springfield" + i)),
        new Case("company", Map.of(), "text", text(i -> "Acme " + i)),
        new Case("username", Map.of(), "text", text(i -> "jdoe" + i)),
        new Case("phone", Map.of(), "text", text(i -> String.format("+1 555-%03d-%04d", i % 1000, i))),
        new Case("zip", Map.of(), "text", text(i -> String.format("%05d", i))),
        new Case("ssn", Map.of(), "text", text(i -> String.format("%03d-%02d-%04d", i % 900, i % 100, i))),
        new Case("credit_card", Map.of(), "text", text(i -> String.format("4111 1111 %04d %04d", i, i))),
        new Case("iban", Map.of(), "text", text(i -> String.format("DE89 3704 0044 %04d %04d 00", i, i))),
        new Case("ip", Map.of(), "text", text(i -> "10.1." + (i / 256 % 256) + "." + (i % 256))),
        new Case("ip", Map.of(), "inet", i -> PgBinary.writeInet(
            new PgBinary.Inet(new byte[] {10, 1, (byte) (i >> 8), (byte) i}, 32, false))),
        new Case("uuid", Map.of(), "uuid", i -> ByteBuffer.allocate(16).putLong(1).putLong(i).array()),
        new Case("mask", Map.of("keepLast", "4"), "text", text(i -> "4111111111" + i)),
        new Case("regex_replace", Map.of("pattern", "\\d", "replacement", "#"), "text",
            text(i -> "order " + i + " for 555-0101")),
        new Case("scramble", Map.of(), "text", text(i -> "AB-" + i + "-xy")),
        new Case("numeric_noise", Map.of("percent", "10"), "integer", i -> PgBinary.writeInteger(i, 4)),
        new Case("numeric_noise", Map.of("percent", "10"), "numeric(10,2)",
            i -> PgBinary.writeNumeric(new BigDecimal(i).movePointLeft(2), 2)),
        new Case("random_int", Map.of(), "integer", i -> PgBinary.writeInteger(i, 4)),
        new Case("date_shift", Map.of("days", "30"), "date", i -> PgBinary.writeDate(i)),
        new Case("truncate_date", Map.of(), "timestamp with time zone",
            i -> PgBinary.writeTimestamp(i * 3_600_000_000L)),
        new Case("json", Map.of("$.contact.email", "email"), "jsonb", i -> PgBinary.writeJson(
            "{\"contact\": {\"email\": \"u" + i + "@x.example\", \"kind\": \"work\"}, \"n\": " + i + "}", true)),
        new Case("scramble", Map.of(), "text[]", i -> PgBinary.writeArray(new PgBinary.PgArray(25,
            new int[] {3}, new int[] {1}, new byte[][] {("a" + i).getBytes(StandardCharsets.UTF_8),
                ("b" + i).getBytes(StandardCharsets.UTF_8), ("c" + i).getBytes(StandardCharsets.UTF_8)}))));
    MaskingKey key = MaskingKey.of("bench-masking-key-0123456789");
    System.out.printf(Locale.ROOT, "veil rule throughput, one thread, values/s (Java %s, %d cores)%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    for (Case c : cases) {
      RuleType type = Rules.find(c.rule());
      ValueTransform t = type.create(c.params(), new RuleContext(key, "col",
          s -> s.getBytes(StandardCharsets.UTF_8), ColumnType.parse(c.type())));
      byte[][] inputs = new byte[INPUTS][];
      for (int i = 0; i < INPUTS; i++) {
        inputs[i] = c.input().apply(i);
      }
      run(t, inputs, 1.0);
      double best = 0;
      for (int round = 0; round < 3; round++) {
        best = Math.max(best, run(t, inputs, 1.0));
      }
      System.out.printf(Locale.ROOT, "  %-14s %-26s %12.0f%n", c.rule(), c.type(), best);
    }
  }

  static long sink;

  /** Values per second over about {@code seconds}. */
  private static double run(ValueTransform t, byte[][] inputs, double seconds) {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long n = 0;
    long t0 = System.nanoTime();
    long now;
    do {
      for (byte[] in : inputs) {
        byte[] out = t.apply(in);
        sink += out == null ? 0 : out.length;
      }
      n += inputs.length;
      now = System.nanoTime();
    } while (now < deadline);
    return n / ((now - t0) / 1e9);
  }
}
