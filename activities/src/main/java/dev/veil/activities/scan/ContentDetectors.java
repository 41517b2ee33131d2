package dev.veil.activities.scan;

import dev.veil.activities.rules.Dictionaries;
import dev.veil.activities.rules.IpRule;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises personal data in one value: email addresses, phone numbers, Luhn-valid card
 * numbers, IBANs (mod 97), SSN-style national ids, IP addresses, street addresses and person names
 * (from Datafaker's dictionaries). Values are looked at and forgotten; nothing is kept.
 */
public final class ContentDetectors {

  private static final Pattern EMAIL =
      Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final Pattern CARD = Pattern.compile("\\d[\\d -]{10,24}\\d");
  private static final Pattern IBAN = Pattern.compile("[A-Z]{2}\\d{2}[A-Z0-9 ]{11,40}");
  private static final Pattern SSN = Pattern.compile("\\d{3}-\\d{2}-\\d{4}");
  private static final Pattern PHONE = Pattern.compile("\\+?[\\d ().-]{7,24}");
  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}.*");
  private static final Pattern NAME_TOKEN = Pattern.compile("[\\p{L}][\\p{L}'-]*");
  private static final Pattern STREET_START = Pattern.compile("\\d{1,6}[A-Za-z]? .+");
  private static final Set<String> FIRST_NAMES = lower(Dictionaries.FIRST_NAMES);
  private static final Set<String> LAST_NAMES = lower(Dictionaries.LAST_NAMES);
  private static final Set<String> STREET_SUFFIXES = streetSuffixes();

  /** E-mail, phone, card and IBAN-shaped tokens inside free text. */
  private static final Pattern TOKEN =
      Pattern.compile("[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"
          + "|[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}"
          + "|\\+?\\(?\\d[\\d ().-]{5,22}\\d");

  private ContentDetectors() {}

  /**
   * The e-mail, phone, card and IBAN-shaped tokens of a free text, in order (a value that is one
   * such token whole is its own only token).
   */
  public static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    if (text == null || text.length() < 5 || !mayHoldToken(text)) {
      return out;
    }
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      out.add(m.group().trim());
    }
    return out;
  }

  /**
   * The kinds of personal data in a free text: of the value whole, else of each token that a
   * detector recognises (a note may hold an e-mail and a phone); empty when none.
   */
  public static Set<String> kindsInText(String raw) {
    String whole = detect(raw);
    if (whole != null) {
      return Set.of(whole);
    }
    Set<String> kinds = new HashSet<>(2);
    for (String token : tokens(raw)) {
      String kind = detect(token);
      if (kind != null) {
        kinds.add(kind);
      }
    }
    return kinds;
  }

  /**
   * Whether {@link #TOKEN} can match: each of its forms needs an {@code @} or two digits. A
   * one-pass look that spares the regex most values of a big scan.
   */
  private static boolean mayHoldToken(String text) {
    int digits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '@' || (c >= '0' && c <= '9' && ++digits >= 2)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> lower(Iterable<String> words) {
    Set<String> out = new HashSet<>();
    words.forEach(w -> out.add(w.toLowerCase(Locale.ROOT)));
    return out;
  }

  private static Set<String> streetSuffixes() {
    Set<String> out = lower(Dictionaries.STREET_SUFFIXES);
    out.addAll(Set.of("st", "st.", "ave", "ave.", "rd", "rd.", "blvd", "ln", "dr", "dr.", "ct",
        "way", "pl", "apt.", "suite"));
    return out;
  }

  /** The kind of personal data {@code value} looks like, or null. */
  public static String detect(String raw) {
    String value = raw.trim();
    if (value.isEmpty() || value.length() > 200) {
      return null;
    }
    if (value.indexOf('@') > 0 && EMAIL.matcher(value).matches()) {
      return "email";
    }
    // each detector below needs digits (an SSN 9, an IBAN 2, a card 13, a phone 7, a street
    // address a leading one; an IP address one, or a ':' for IPv6): one count spares their
    // regexes most values
    int digits = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      }
    }
    if (digits == 0 && value.indexOf(':') < 0) {
      return name(value);
    }
    if (digits == 9 && SSN.matcher(value).matches()) {
      return "ssn";
    }
    if (IBAN.matcher(value).matches() && ibanValid(value)) {
      return "iban";
    }
    if (digits >= 13 && CARD.matcher(value).matches() && luhnCard(value)) {
      return "credit_card";
    }
    if ((value.indexOf('.') > 0 || value.indexOf(':') > 0)
        && IpRule.parse(withoutPrefixLength(value)) != null) {
      return "ip";
    }
    if (digits >= 7 && PHONE.matcher(value).matches() && phone(value)) {
      return "phone";
    }
    if (STREET_START.matcher(value).matches() && street(value)) {
      return "street_address";
    }
    return name(value);
  }

  /** An inet's text ends in /bits. */
  private static String withoutPrefixLength(String value) {
    int slash = value.lastIndexOf('/');
    return slash > 0 && value.substring(slash + 1).matches("\\d{1,3}") ? value.substring(0, slash) : value;
  }

  private static boolean luhnCard(String value) {
    int digits = 0;
    for (int i = 0; i < value.length(); i++) {
      if (Character.isDigit(value.charAt(i))) {
        digits++;
      }
    }
    return digits >= 13 && digits <= 19 && dev.veil.activities.rules.LuhnCheck.valid(value);
  }

  private static boolean ibanValid(String value) {
    String s = value.replace(" ", "");
    if (s.length() < 15 || s.length() > 34) {
      return false;
    }
    String r = s.substring(4) + s.substring(0, 4);
    StringBuilder n = new StringBuilder();
    for (char c : r.toCharArray()) {
      n.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
    }
    return new BigInteger(n.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
  }

  private static boolean phone(String value) {
    if (ISO_DATE.matcher(value).matches()) {
      return false;
    }
    int digits = 0;
    boolean separated = value.startsWith("+");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isDigit(c)) {
        digits++;
      } else {
        separated = true;
      }
    }
    return separated && digits >= 7 && digits <= 15;
  }

  private static boolean street(String value) {
    for (String token : value.toLowerCase(Locale.ROOT).split("[\\s,]+")) {
      if (STREET_SUFFIXES.contains(token)) {
        return true;
      }
    }
    return false;
  }

  /** first_name, last_name or full_name when every word is a word of a name and most are names. */
  private static String name(String value) {
    if (!Character.isUpperCase(value.charAt(0))) {
      // every word must start with a capital: most values fail here, before any split
      return null;
    }
    String[] tokens = value.split("\\s+");
    if (tokens.length > 3) {
      return null;
    }
    int first = 0;
    int last = 0;
    for (String t : tokens) {
      if (!NAME_TOKEN.matcher(t).matches() || !Character.isUpperCase(t.charAt(0))) {
        return null;
      }
      String lower = t.toLowerCase(Locale.ROOT);
      if (FIRST_NAMES.contains(lower)) {
        first++;
      } else if (LAST_NAMES.contains(lower)) {
        last++;
      }
    }
    if (tokens.length == 1) {
      return first == 1 ? "first_name" : last == 1 ? "last_name" : null;
    }
    return first + last >= tokens.length - (tokens.length == 3 ? 1 : 0) && first >= 1
        ? "full_name" : null;
  }
}
