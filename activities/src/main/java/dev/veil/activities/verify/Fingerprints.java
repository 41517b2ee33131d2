package dev.veil.activities.verify;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.veil.activities.rules.Dictionaries;
import dev.veil.activities.rules.MaskingKey;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keyed 64-bit fingerprints of values, and which values are worth one. A value is compared
 * trimmed and lower-cased ({@code John@X.org} leaks {@code john@x.org}). Skipped, because a match
 * would prove nothing: values shorter than the minimum length, values without a letter and with
 * fewer than 7 digits (codes, zips, small numbers), and values made only of dictionary words
 * (first and last names, city and street words), which the name and place rules draw their output
 * from. Names passed through unmasked are the detectors' to find. Thread-safe.
 *
 * <p>The fingerprint is SipHash-2-4 (Guava) keyed with 128 bits derived from the key: a keyed
 * 64-bit PRF like a truncated HMAC, at a fraction of its cost (the check hashes every value of
 * the source's identifying columns and every value of the twin).
 */
final class Fingerprints {

  private static final Set<String> DICTIONARY_WORDS = dictionaryWords();

  private final HashFunction hash;
  private final int minLength;

  Fingerprints(MaskingKey key, int minLength) {
    ByteBuffer k = ByteBuffer.wrap(key.derive("leak-check"));
    this.hash = Hashing.sipHash24(k.getLong(), k.getLong());
    this.minLength = Math.max(1, minLength);
  }

  private static Set<String> dictionaryWords() {
    Set<String> out = new HashSet<>(Dictionaries.personNamesLowerCase());
    for (List<String> words : List.of(Dictionaries.CITY_PREFIXES, Dictionaries.CITY_SUFFIXES,
        Dictionaries.STREET_SUFFIXES, Dictionaries.COMPANY_SUFFIXES)) {
      for (String w : words) {
        out.add(w.toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** The value as compared (trimmed, lower case), or null when it is not worth a fingerprint. */
  String normalize(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.length() < minLength) {
      return null;
    }
    int letters = 0;
    int digits = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (Character.isLetter(c)) {
        letters++;
      } else if (Character.isDigit(c)) {
        digits++;
      }
    }
    if (letters == 0 && digits < 7) {
      return null;
    }
    if (digits == 0 && dictionaryOnly(v)) {
      return null;
    }
    return v;
  }

  /**
   * Puts the fingerprint of {@code raw}'s normalized form in {@code out[0]}; false when the value
   * is not worth one. The same as {@code of(normalize(raw))}, without building the normalized
   * string for plain ASCII values (the scan's hot path: most values are skipped or hashed
   * straight from the input).
   */
  boolean fingerprint(String raw, long[] out) {
    if (raw == null) {
      return false;
    }
    int start = 0;
    int end = raw.length();
    while (start < end && Character.isWhitespace(raw.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(raw.charAt(end - 1))) {
      end--;
    }
    int letters = 0;
    int digits = 0;
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c >= 0x80) {
        // lower-casing outside ASCII can change lengths and letters: the general path
        String v = normalize(raw);
        if (v == null) {
          return false;
        }
        out[0] = of(v);
        return true;
      }
      int lower = c | 0x20;
      if (lower >= 'a' && lower <= 'z') {
        letters++;
      } else if (c >= '0' && c <= '9') {
        digits++;
      }
    }
    if (end - start < minLength || letters == 0 && digits < 7) {
      return false;
    }
    if (digits == 0) {
      String v = raw.substring(start, end).toLowerCase(Locale.ROOT);
      if (dictionaryOnly(v)) {
        return false;
      }
      out[0] = of(v);
      return true;
    }
    Hasher h = hash.newHasher((end - start) * 2);
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      h.putChar(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    out[0] = h.hash().asLong();
    return true;
  }

  /** Whether every word (a run of letters, {@code '} and {@code -}) is a dictionary word. */
  private static boolean dictionaryOnly(String v) {
    int start = -1;
    for (int i = 0; i <= v.length(); i++) {
      boolean wordChar = i < v.length() && isWordChar(v.charAt(i));
      if (wordChar && start < 0) {
        start = i;
      } else if (!wordChar && start >= 0) {
        if (!DICTIONARY_WORDS.contains(v.substring(start, i))) {
          return false;
        }
        start = -1;
      }
    }
    return true;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetter(c) || c == '\'' || c == '-';
  }

  /** The keyed 64-bit fingerprint of a normalized value. */
  long of(String normalized) {
    return hash.hashUnencodedChars(normalized).asLong();
  }
}
