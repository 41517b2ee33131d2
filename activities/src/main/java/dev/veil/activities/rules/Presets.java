package dev.veil.activities.rules;

import dev.veil.workflows.spec.RuleSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Named rule sets that map common column-name patterns to rules. A spec uses one with
 * {@code rules: {preset: pii-default, …}}; explicit rules override the preset's. A personal-data
 * entry whose rule does not fit a column (a {@code *email*} pattern on {@code email_verified
 * boolean}) leaves that column alone with a warning. A secret or identifier entry ({@code
 * *password*}, {@code *token*}, {@code ssn}, …) never does: on a column that can hold such a value
 * the planner tries {@link Entry#candidates} in order and refuses the run if none fits.
 */
public final class Presets {

  /** The {@code rules} key that names a preset. */
  public static final String KEY = "preset";

  /** What a pattern stands for, and so what happens when its rule does not fit. */
  public enum Sensitivity {
    /** Personal data: a rule that does not fit leaves the column unmasked, with a warning. */
    PERSONAL,
    /** A credential: passwords, tokens, keys. Masked with some fitting rule, or the run fails. */
    SECRET,
    /** A national id, card or account number. Masked with some fitting rule, or the run fails. */
    IDENTIFIER
  }

  /** One pattern of a preset: a glob over lower-cased column names, its rule and sensitivity. */
  public record Entry(String pattern, RuleSpec rule, Sensitivity sensitivity) {
    boolean matches(String column) {
      return glob(pattern).matcher(column.toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * Whether a column of this type must be masked when its name matches: a secret or identifier
     * entry on a type that can hold one. Booleans, dates and intervals cannot ({@code
     * password_changed_at}, {@code has_token}); numbers can hold an identifier ({@code ssn
     * bigint}) but not a secret ({@code token_count}). Types no rule decodes (domains, bytea)
     * are judged by their {@code pg_type.typcategory}.
     */
    public boolean mustMask(ColumnType type, char typeCategory) {
      if (sensitivity == Sensitivity.PERSONAL) {
        return false;
      }
      PgKind kind = type.kind();
      boolean numeric = kind.numeric() || (kind == PgKind.OTHER && typeCategory == 'N');
      boolean neverSecret = kind == PgKind.BOOL || kind == PgKind.DATE
          || kind == PgKind.TIMESTAMP || kind == PgKind.TIMESTAMPTZ
          || (kind == PgKind.OTHER && !type.array()
              && (typeCategory == 'B' || typeCategory == 'D' || typeCategory == 'T'));
      return !neverSecret && (sensitivity == Sensitivity.IDENTIFIER || !numeric);
    }

    /** "a secret", "an identifier" or "personal data", for messages. */
    public String what() {
      return switch (sensitivity) {
        case SECRET -> "a secret";
        case IDENTIFIER -> "an identifier";
        case PERSONAL -> "personal data";
      };
    }

    /**
     * The rules to try, best first, for a column that must be masked: the entry's rule, a keyed
     * hash cut to the column's length ({@code charLimit}, -1 if unbounded) in hex and in base64
     * (base64 keeps 80 bits in 14 characters, so it stays unique-preserving in shorter columns),
     * a keyed UUID, and NULL.
     */
    public List<RuleSpec> candidates(int charLimit) {
      List<RuleSpec> out = new ArrayList<>();
      out.add(rule);
      if (charLimit < 0) {
        out.add(RuleSpec.of("hash"));
      } else if (charLimit >= MIN_HASH_LENGTH) {
        out.add(new RuleSpec("hash", Map.of("length", String.valueOf(Math.min(64, charLimit)))));
        out.add(new RuleSpec("hash",
            Map.of("format", "base64", "length", String.valueOf(Math.min(43, charLimit)))));
      }
      out.add(RuleSpec.of("uuid"));
      out.add(RuleSpec.of("null"));
      out.removeIf(r -> r != rule && r.equals(rule));
      return out;
    }
  }

  /** The shortest output the hash rule writes. */
  private static final int MIN_HASH_LENGTH = 8;

  /** A preset: name, description, entries tried in order (the first match wins). */
  public record Preset(String name, String description, List<Entry> entries) {

    /** The entry for a column name, if any. */
    public Optional<Entry> match(String column) {
      return entries.stream().filter(e -> e.matches(column)).findFirst();
    }
  }

  private static final Map<String, Preset> PRESETS = new LinkedHashMap<>();

  static {
    List<Entry> pii = new ArrayList<>();
    add(pii, RuleSpec.of("ip"), "ip", "ip_addr", "ip_address", "*_ip", "*_ip_address", "remote_addr");
    add(pii, RuleSpec.of("email"), "*email*", "*e_mail*", "*mail_address*");
    add(pii, RuleSpec.of("phone"), "*phone*", "*mobile*", "*fax*", "tel", "telephone", "cell");
    add(pii, RuleSpec.of("first_name"), "first_name", "firstname", "given_name", "fname",
        "forename", "middle_name");
    add(pii, RuleSpec.of("last_name"), "last_name", "lastname", "surname", "family_name",
        "lname", "maiden_name");
    add(pii, RuleSpec.of("full_name"), "full_name", "fullname", "customer_name", "contact_name",
        "person_name", "account_holder", "cardholder_name", "display_name");
    identifiers(pii, RuleSpec.of("ssn"), "ssn", "*social_security*", "national_id", "*national_id_*",
        "tax_id", "taxpayer_id", "passport_number", "passport_no", "driver_license*");
    add(pii, new RuleSpec("truncate_date", Map.of("to", "year")), "dob", "date_of_birth",
        "birth_date", "birthdate", "birthday", "born_on");
    identifiers(pii, RuleSpec.of("credit_card"), "*card_number*", "cc_number", "credit_card*", "pan",
        "card_no");
    identifiers(pii, RuleSpec.of("iban"), "iban", "*_iban");
    add(pii, RuleSpec.of("username"), "username", "user_name", "login", "login_name", "handle");
    add(pii, RuleSpec.of("street_address"), "*street*", "address", "address_line*", "address1",
        "address2", "home_address", "shipping_address", "billing_address", "mailing_address");
    add(pii, RuleSpec.of("city"), "city", "town");
    add(pii, RuleSpec.of("zip"), "zip", "zipcode", "zip_code", "postal_code", "postcode");
    add(pii, RuleSpec.of("company"), "company", "company_name", "employer", "organization");
    add(pii, Sensitivity.SECRET, new RuleSpec("hash", Map.of()), "*password*", "*passwd*",
        "pwd", "*_pwd", "pwd_*", "*passphrase*", "*secret*", "*token*", "*api_key*", "*apikey*",
        "*access_key*", "*private_key*", "*signing_key*", "*encryption_key*");
    add(pii, new RuleSpec("numeric_noise", Map.of("absolute", "0.01")), "lat", "latitude", "lng",
        "lon", "longitude");
    PRESETS.put("pii-default", new Preset("pii-default",
        "common personal-data column names (email, phone, names, national ids, birth dates,"
            + " cards, IBANs, addresses, IPs, secrets, coordinates)", List.copyOf(pii)));
  }

  private Presets() {}

  private static void add(List<Entry> entries, RuleSpec rule, String... patterns) {
    add(entries, Sensitivity.PERSONAL, rule, patterns);
  }

  private static void identifiers(List<Entry> entries, RuleSpec rule, String... patterns) {
    add(entries, Sensitivity.IDENTIFIER, rule, patterns);
  }

  private static void add(
      List<Entry> entries, Sensitivity sensitivity, RuleSpec rule, String... patterns) {
    for (String p : patterns) {
      entries.add(new Entry(p, rule, sensitivity));
    }
  }

  public static Optional<Preset> find(String name) {
    return Optional.ofNullable(name == null ? null : PRESETS.get(name));
  }

  public static Set<String> names() {
    return PRESETS.keySet();
  }

  /**
   * The preset named in a spec's rules ({@code rules.preset}), or null. The loader reads
   * {@code preset: pii-default} as a rule entry whose only parameter is {@code preset}.
   */
  public static String presetName(Map<String, RuleSpec> rules) {
    RuleSpec entry = rules == null ? null : rules.get(KEY);
    return entry == null ? null : entry.params().get(KEY);
  }

  private static Pattern glob(String pattern) {
    return Pattern.compile(Arrays.stream(pattern.split("\\*", -1))
        .map(part -> part.isEmpty() ? "" : Pattern.quote(part))
        .collect(Collectors.joining(".*")));
  }
}
