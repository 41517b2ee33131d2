package dev.veil.activities.rules;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rule catalogue. Each rule is one class: its name, parameters, the column types it accepts,
 * its guarantees and its transform.
 */
public final class Rules {

  private static final Map<String, RuleType> CATALOGUE = new TreeMap<>();

  static {
    register(new NullRule());
    register(new PassthroughRule());
    register(new ReplacementRule());
    register(new RandomStringRule());
    register(new RandomIntRule());
    register(new EmailRule());
    register(new HashRule());
    register(new FirstNameRule());
    register(new LastNameRule());
    register(new FullNameRule());
    register(new PhoneRule());
    register(new StreetAddressRule());
    register(new CityRule());
    register(new ZipRule());
    register(new CompanyRule());
    register(new UsernameRule());
    register(new IpRule());
    register(new UuidRule());
    register(new CreditCardRule());
    register(new SsnRule());
    register(new IbanRule());
    register(new MaskRule());
    register(new RegexReplaceRule());
    register(new ScrambleRule());
    register(new NumericNoiseRule());
    register(new DateShiftRule());
    register(new TruncateDateRule());
    register(new JsonRule());
    register(new ConstantPerRowRule());
  }

  private Rules() {}

  private static void register(RuleType type) {
    CATALOGUE.put(type.name(), type);
  }

  public static RuleType find(String name) {
    return name == null ? null : CATALOGUE.get(name);
  }

  public static Collection<RuleType> all() {
    return CATALOGUE.values();
  }

  public static Set<String> names() {
    return CATALOGUE.keySet();
  }
}
