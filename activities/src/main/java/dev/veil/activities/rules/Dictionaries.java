package dev.veil.activities.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Word lists from Datafaker's English dictionaries (first and last names, street and city
 * suffixes, company suffixes), loaded once. Only plain words are kept: Datafaker's templates
 * ({@code #{…}}) are left out, so every pick is a literal value.
 */
public final class Dictionaries {

  public static final List<String> FIRST_NAMES;
  public static final List<String> LAST_NAMES;
  public static final List<String> STREET_SUFFIXES;
  public static final List<String> CITY_PREFIXES;
  public static final List<String> CITY_SUFFIXES;
  public static final List<String> COMPANY_SUFFIXES;

  static {
    JsonNode name = load("en/name.yml", "name");
    JsonNode address = load("en/address.yml", "address");
    JsonNode company = load("en/company.yml", "company");
    List<String> first = new ArrayList<>(words(name.get("male_first_name")));
    first.addAll(words(name.get("female_first_name")));
    FIRST_NAMES = List.copyOf(new TreeSet<>(first));
    LAST_NAMES = List.copyOf(new TreeSet<>(words(name.get("last_name"))));
    STREET_SUFFIXES = words(address.get("street_suffix"));
    CITY_PREFIXES = words(address.get("city_prefix"));
    CITY_SUFFIXES = words(address.get("city_suffix"));
    COMPANY_SUFFIXES = words(company.get("suffix"));
  }

  private Dictionaries() {}

  private static JsonNode load(String resource, String section) {
    try (InputStream in = Dictionaries.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Datafaker dictionary " + resource + " not on the classpath");
      }
      return new ObjectMapper(new YAMLFactory()).readTree(in).path("en").path("faker").path(section);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> words(JsonNode list) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      list.forEach(n -> {
        if (n.isTextual() && !n.asText().contains("#{")) {
          out.add(n.asText());
        }
      });
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("empty Datafaker dictionary");
    }
    return List.copyOf(out);
  }

  /** Lower-cased first and last names, for the scanner's content detection. */
  public static Set<String> personNamesLowerCase() {
    Set<String> out = new java.util.HashSet<>();
    FIRST_NAMES.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
    LAST_NAMES.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
    return out;
  }
}
