package dev.veil.activities.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A value built from a template and other columns of the same row:
 * {@code {rule: constant_per_row, template: "user{{row.id}}@example.com"}}. A referenced column
 * that has a rule contributes its masked value. NULLs render as empty text.
 */
final class ConstantPerRowRule extends RuleType {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*row\\.([A-Za-z_][A-Za-z0-9_$]*)\\s*}}");

  ConstantPerRowRule() {
    super("constant_per_row", "a template with {{row.column}} placeholders from the same row",
        Set.of("template"));
  }

  @Override
  public boolean deterministic() {
    return true;
  }

  @Override
  protected void validateValues(Map<String, String> given, List<String> errors) {
    String template = given.get("template");
    if (template == null || template.isEmpty()) {
      errors.add("template: required, such as user{{row.id}}@example.com");
      return;
    }
    String rest = PLACEHOLDER.matcher(template).replaceAll("");
    if (rest.contains("{{") || rest.contains("}}")) {
      errors.add("template: placeholders must look like {{row.column}}");
    }
  }

  @Override
  public List<String> referencedColumns(Map<String, String> params) {
    List<String> out = new ArrayList<>();
    String template = params.get("template");
    if (template != null) {
      Matcher m = PLACEHOLDER.matcher(template);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  @Override
  protected ValueTransform createForValue(Map<String, String> params, RuleContext context) {
    String template = params.get("template");
    List<String> literals = new ArrayList<>();
    List<Integer> columns = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    int last = 0;
    while (m.find()) {
      literals.add(template.substring(last, m.start()));
      int index = context.row().indexOf(m.group(1));
      if (index < 0) {
        throw new IllegalArgumentException("template of column " + context.column()
            + " names column " + m.group(1) + ", which is not copied");
      }
      columns.add(index);
      last = m.end();
    }
    literals.add(template.substring(last));
    RowShape shape = context.row();
    return (RowTransform) (value, row) -> {
      StringBuilder out = new StringBuilder(literals.get(0));
      for (int i = 0; i < columns.size(); i++) {
        int c = columns.get(i);
        out.append(PgText.render(shape.types().get(c), row[c])).append(literals.get(i + 1));
      }
      return Bytes.utf8(out.toString());
    };
  }
}
