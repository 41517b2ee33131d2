package dev.veil.activities.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Replaces every match of {@code pattern} (Java regex) with {@code replacement} ($1 groups). */
final class RegexReplaceRule extends RuleType {
  RegexReplaceRule() {
    super("regex_replace", "replaces every match of pattern (Java regex) with replacement",
        Set.of("pattern", "replacement"));
  }

  @Override
  public boolean deterministic() {
    return true;
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    String pattern = given.get("pattern");
    if (pattern == null || pattern.isEmpty()) {
      errors.add("pattern: required");
    } else {
      try {
        Pattern.compile(pattern).matcher("").replaceAll(given.getOrDefault("replacement", ""));
      } catch (PatternSyntaxException e) {
        errors.add("pattern: not a valid regular expression (" + e.getDescription() + ")");
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        errors.add("replacement: " + e.getMessage());
      }
    }
    if (!given.containsKey("replacement")) {
      errors.add("replacement: required");
    }
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    Pattern pattern = Pattern.compile(params.get("pattern"));
    String replacement = params.get("replacement");
    return value -> Bytes.utf8(pattern.matcher(Bytes.text(value)).replaceAll(replacement));
  }
}
