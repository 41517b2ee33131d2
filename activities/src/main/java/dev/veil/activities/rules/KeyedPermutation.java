package dev.veil.activities.rules;

/**
 * Keyed bijections used by format-preserving rules, so that distinct inputs always give distinct
 * outputs (the guarantee UNIQUE and PRIMARY KEY columns need): an alternating Feistel network
 * over decimal numbers of a fixed digit count (the construction of NIST FF1, with AES-128 under a
 * key derived from the masking key as round function), and a balanced XOR Feistel network over
 * byte strings (IP addresses). Not thread-safe: one instance per task.
 */
public final class KeyedPermutation {

  private static final int ROUNDS = 8;
  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  private final javax.crypto.Cipher aes;
  private final byte[] block = new byte[16];
  private final byte[] mixed = new byte[16];

  /** A permutation under a 16-byte key (derive it with {@link MaskingKey#derive}). */
  public KeyedPermutation(byte[] key16) {
    try {
      aes = javax.crypto.Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(javax.crypto.Cipher.ENCRYPT_MODE,
          new javax.crypto.spec.SecretKeySpec(java.util.Arrays.copyOf(key16, 16), "AES"));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("AES unavailable", e);
    }
  }

  private byte[] prf() {
    try {
      aes.doFinal(block, 0, 16, mixed, 0);
      return mixed;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("AES failed", e);
    }
  }

  /** A bijection on [0, 10^digits) for 1 ≤ digits ≤ 18. */
  public long permuteDigits(long x, int digits) {
    if (digits < 1 || digits > 18) {
      throw new IllegalArgumentException("digits must be 1..18");
    }
    int u = digits / 2;
    int v = digits - u;
    long a = x / POW10[v];
    long b = x % POW10[v];
    for (int i = 0; i < ROUNDS; i++) {
      int m = (i & 1) == 0 ? u : v;
      long c = Math.floorMod(a + round(i, digits, b), POW10[m]);
      a = b;
      b = c;
    }
    return a * POW10[v] + b;
  }

  private long round(int i, int digits, long b) {
    block[0] = (byte) i;
    block[1] = (byte) digits;
    for (int k = 0; k < 8; k++) {
      block[2 + k] = (byte) (b >>> (56 - 8 * k));
    }
    java.util.Arrays.fill(block, 10, 16, (byte) 0);
    byte[] d = prf();
    long r = 0;
    for (int k = 0; k < 8; k++) {
      r = (r << 8) | (d[k] & 0xff);
    }
    return r & Long.MAX_VALUE;
  }

  /** A bijection on byte strings of one even length (4 for IPv4, 16 for IPv6). */
  public byte[] permuteBytes(byte[] in) {
    int half = in.length / 2;
    byte[] left = java.util.Arrays.copyOfRange(in, 0, half);
    byte[] right = java.util.Arrays.copyOfRange(in, half, in.length);
    if (half > 14) {
      throw new IllegalArgumentException("at most 28 bytes");
    }
    for (int i = 0; i < ROUNDS; i++) {
      java.util.Arrays.fill(block, (byte) 0);
      block[0] = (byte) (0x80 | i);
      block[1] = (byte) in.length;
      System.arraycopy(right, 0, block, 2, half);
      byte[] f = prf();
      byte[] next = new byte[half];
      for (int k = 0; k < half; k++) {
        next[k] = (byte) (left[k] ^ f[k]);
      }
      left = right;
      right = next;
    }
    byte[] out = new byte[in.length];
    System.arraycopy(left, 0, out, 0, half);
    System.arraycopy(right, 0, out, half, half);
    return out;
  }
}
