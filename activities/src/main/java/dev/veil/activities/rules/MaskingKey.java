package dev.veil.activities.rules;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret behind every keyed rule. The same key gives the same pseudonym for the same input in
 * every table and every run; without it a pseudonym cannot be tied back to its input. Never
 * logged: {@link #toString()} shows only a fingerprint.
 */
public final class MaskingKey {

  public static final int MIN_LENGTH = 16;
  private final byte[] secret;

  private MaskingKey(byte[] secret) {
    this.secret = secret.clone();
  }

  /**
   * A key from configuration text ({@code VEIL_MASKING_KEY}).
   *
   * @throws IllegalArgumentException if shorter than {@value #MIN_LENGTH} bytes
   */
  public static MaskingKey of(String secret) {
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "masking key must be at least " + MIN_LENGTH + " bytes (set VEIL_MASKING_KEY)");
    }
    return new MaskingKey(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** A random key, for demos: consistent within the process, different on every start. */
  public static MaskingKey random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return new MaskingKey(bytes);
  }

  /** A new HMAC-SHA256 instance keyed with this key and a purpose label (one per rule). */
  public Mac mac(String purpose) {
    try {
      Mac base = Mac.getInstance("HmacSHA256");
      base.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] derived = base.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(derived, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /**
   * A fast keyed hash for one rule: HMAC-SHA256 under a key derived from this key and the purpose
   * label, the same bytes {@link #mac(String)} would give.
   */
  public KeyedHash keyedHash(String purpose) {
    try {
      Mac base = Mac.getInstance("HmacSHA256");
      base.init(new SecretKeySpec(secret, "HmacSHA256"));
      return new KeyedHash(base.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** 32 bytes derived from this key for one purpose: HMAC-SHA256(key, purpose). */
  public byte[] derive(String purpose) {
    return mac("derive:" + purpose).doFinal(new byte[0]);
  }

  /** First 8 hex digits of HMAC(key, "fingerprint"): tells keys apart without revealing them. */
  public String fingerprint() {
    return HexFormat.of().formatHex(mac("fingerprint").doFinal(new byte[0]), 0, 4);
  }

  @Override
  public String toString() {
    return "MaskingKey[" + fingerprint() + "]";
  }
}
