package dev.veil.activities.rules;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 (RFC 2104) with the key's inner and outer pad states computed once: each value
 * costs two SHA-256 compressions instead of the four {@code javax.crypto.Mac} spends re-hashing
 * the pads. Output is bit-for-bit HMAC-SHA256. Not thread-safe: one instance per task thread.
 */
public final class KeyedHash {

  private static final int BLOCK = 64;
  private final MessageDigest innerTemplate;
  private final MessageDigest outerTemplate;
  private final byte[] inner = new byte[32];

  KeyedHash(byte[] key) {
    try {
      byte[] k = key.length > BLOCK ? MessageDigest.getInstance("SHA-256").digest(key) : key;
      byte[] ipad = new byte[BLOCK];
      byte[] opad = new byte[BLOCK];
      for (int i = 0; i < BLOCK; i++) {
        byte b = i < k.length ? k[i] : 0;
        ipad[i] = (byte) (b ^ 0x36);
        opad[i] = (byte) (b ^ 0x5c);
      }
      innerTemplate = MessageDigest.getInstance("SHA-256");
      innerTemplate.update(ipad);
      outerTemplate = MessageDigest.getInstance("SHA-256");
      outerTemplate.update(opad);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  /** HMAC-SHA256 of {@code value}: 32 bytes. */
  public byte[] hash(byte[] value) {
    try {
      MessageDigest in = (MessageDigest) innerTemplate.clone();
      in.update(value);
      in.digest(inner, 0, 32);
      MessageDigest out = (MessageDigest) outerTemplate.clone();
      out.update(inner);
      return out.digest();
    } catch (CloneNotSupportedException | DigestException e) {
      throw new IllegalStateException("SHA-256 state cannot be copied", e);
    }
  }
}
