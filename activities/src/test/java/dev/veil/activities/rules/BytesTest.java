package dev.veil.activities.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BytesTest {

  @Test
  void hexIsTheJdksLowercaseHexCutToLengthForEveryLength() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      String full = HexFormat.of().formatHex(digest);
      for (int chars = 0; chars <= 64; chars++) {
        assertEquals(full.substring(0, chars),
            new String(Bytes.hex(digest, chars), StandardCharsets.US_ASCII), "chars=" + chars);
      }
    }
  }
}
