package dev.veil.activities.verify;

import dev.veil.activities.rules.Dictionaries;
import dev.veil.activities.rules.KeyedHash;
import dev.veil.activities.rules.MaskingKey;
import java.nio.charset.StandardCharsets;
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
 * from. Names passed through unmasked are the detectors' to find. Not thread-safe.
 */
final class Fingerprints {

  private static final Set<String> DICTIONARY_WORDS = dictionaryWords();

  private final KeyedHash hash;
  private final int minLength;

  Fingerprints(MaskingKey key, int minLength) {
    this.hash = key.keyedHash("leak-check");
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

  private static boolean dictionaryOnly(String v) {
    for (String word : v.split("[^\\p{L}'-]+")) {
      if (!word.isEmpty() && !DICTIONARY_WORDS.contains(word)) {
        return false;
      }
    }
    return true;
  }

  /** HMAC-SHA256 of a normalized value, truncated to 64 bits. */
  long of(String normalized) {
    byte[] h = hash.hash(normalized.getBytes(StandardCharsets.UTF_8));
    long fp = 0;
    for (int i = 0; i < 8; i++) {
      fp = (fp << 8) | (h[i] & 0xff);
    }
    return fp;
  }
}
