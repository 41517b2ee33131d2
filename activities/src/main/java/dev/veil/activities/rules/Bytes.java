package dev.veil.activities.rules;

import java.nio.charset.StandardCharsets;

/** Small helpers shared by the rules. */
final class Bytes {

  static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final byte[] HEX_BYTES = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private Bytes() {}

  static String text(byte[] utf8) {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The first {@code chars} lowercase hex digits of {@code digest}. */
  static byte[] hex(byte[] digest, int chars) {
    byte[] out = new byte[chars];
    int i = 0;
    for (int j = 0; i + 1 < chars; i += 2, j++) {
      int b = digest[j] & 0xff;
      out[i] = HEX_BYTES[b >>> 4];
      out[i + 1] = HEX_BYTES[b & 0xf];
    }
    if (i < chars) {
      out[i] = HEX_BYTES[(digest[i >> 1] & 0xff) >>> 4];
    }
    return out;
  }

  /** An unsigned 32-bit number from four digest bytes at {@code offset}. */
  static long u32(byte[] digest, int offset) {
    return ((digest[offset] & 0xffL) << 24) | ((digest[offset + 1] & 0xffL) << 16)
        | ((digest[offset + 2] & 0xffL) << 8) | (digest[offset + 3] & 0xffL);
  }

  /** A double in [-1, 1) from eight digest bytes. */
  static double signedUnit(byte[] digest) {
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (digest[i] & 0xff);
    }
    return ((bits >>> 11) * 0x1.0p-53) * 2 - 1;
  }
}
