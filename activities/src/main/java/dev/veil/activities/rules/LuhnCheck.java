package dev.veil.activities.rules;

/** The Luhn check of card numbers, for the scanner. */
public final class LuhnCheck {
  private LuhnCheck() {}

  /** Whether the digits of {@code s} (separators ignored) pass the Luhn check. */
  public static boolean valid(CharSequence s) {
    return DigitRule.luhnValid(s);
  }
}
