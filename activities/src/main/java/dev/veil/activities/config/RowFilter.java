package dev.veil.activities.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExtractExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.IntervalExpression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Modulo;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.NamedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.create.table.ColDataType;

/**
 * A row filter ({@code tables.options.*.where}, later subset root conditions) checked as SQL, not
 * as text: parsed with JSqlParser and allowed only as an expression over the table's own columns.
 * Allowed: literals, arithmetic and comparison operators, {@code AND}/{@code OR}/{@code NOT}, {@code
 * IN} lists, {@code BETWEEN}, {@code LIKE}/{@code ILIKE}, {@code IS [NOT] NULL}/{@code DISTINCT
 * FROM}/{@code TRUE}, {@code CASE}, casts to built-in scalar types, and immutable or stable
 * built-in functions from {@link #FUNCTIONS} (optionally written {@code pg_catalog.f}). Everything
 * else is refused: subqueries, other functions, parameters, qualified names, strings with a prefix
 * ({@code E'…'}, {@code U&'…'}) or a backslash, dollar quoting, {@code ;} and comments.
 *
 * <p>What is accepted is {@linkplain Verdict#predicate() rendered again} from the parsed tree, in
 * parentheses, so the SQL Veil runs is what was checked and nothing can escape the predicate it is
 * put into (an unbalanced {@code id > 1) or (id > 1} does not even parse).
 *
 * <p>Reasons name the construct (a function, a type, a column name) but never repeat the
 * expression or its literals.
 */
public final class RowFilter {

  /** Built-in functions a filter may call: immutable or stable, no side effects, no I/O. */
  public static final Set<String> FUNCTIONS =
      Set.of(
          "now", "date_trunc", "date_part", "age", "make_date", "make_time", "make_timestamp",
          "make_timestamptz", "make_interval", "to_date", "to_timestamp", "to_char", "to_number",
          "lower", "upper", "initcap", "length", "char_length", "character_length",
          "octet_length", "substr", "substring", "left", "right", "btrim", "ltrim", "rtrim",
          "strpos", "replace", "split_part", "starts_with", "concat", "concat_ws", "md5",
          "coalesce", "nullif", "greatest", "least", "abs", "round", "floor", "ceil", "ceiling",
          "trunc", "mod", "sign", "sqrt", "power", "div", "isfinite", "extract");

  /** Types a value may be cast to: built-in scalars, none of the {@code reg*} lookups. */
  public static final Set<String> CAST_TYPES =
      Set.of(
          "smallint", "integer", "int", "bigint", "int2", "int4", "int8", "numeric", "decimal",
          "real", "float", "float4", "float8", "double precision", "text", "varchar",
          "character varying", "char", "character", "bpchar", "boolean", "bool", "date", "time",
          "timestamp", "timestamptz", "timestamp with time zone", "timestamp without time zone",
          "time with time zone", "time without time zone", "interval", "uuid");

  /** {@code CURRENT_DATE} and friends, which Postgres computes without calling anything. */
  private static final Set<String> TIME_KEYWORDS =
      Set.of("current_date", "current_timestamp", "current_time", "localtimestamp", "localtime");

  /** Keywords that read like columns but tell about the session, not the row. */
  private static final Set<String> SESSION_KEYWORDS =
      Set.of("current_user", "session_user", "user", "current_role", "current_schema",
          "current_catalog", "system_user");

  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final int MAX_LENGTH = 4000;
  /** Deeper nesting is no real filter, and would only exercise the parser's stack. */
  private static final int MAX_DEPTH = 32;
  private static final Pattern TYPE_WITH_SIZE =
      Pattern.compile("([a-z0-9 ]+?) ?\\( ?[0-9]{1,4} ?(?:, ?[0-9]{1,4} ?)?\\)");

  private RowFilter() {}

  /**
   * The outcome of a check.
   *
   * @param predicate the filter rendered again from its parse tree, in parentheses; null when
   *     refused
   * @param problems why it was refused (reasons only, no field path); empty when accepted
   */
  public record Verdict(String predicate, List<String> problems) {
    public boolean accepted() {
      return problems.isEmpty();
    }
  }

  /**
   * Checks a filter.
   *
   * @param expression the filter as written
   * @param columns the table's column names, or null when they are checked later against the
   *     source catalog (the spec is validated without a database)
   */
  public static Verdict check(String expression, Set<String> columns) {
    List<String> problems = new ArrayList<>();
    if (expression == null || expression.isBlank()) {
      problems.add("must not be blank");
      return new Verdict(null, problems);
    }
    if (expression.length() > MAX_LENGTH) {
      problems.add("longer than " + MAX_LENGTH + " characters");
      return new Verdict(null, problems);
    }
    checkText(expression, problems);
    if (!problems.isEmpty()) {
      return new Verdict(null, problems);
    }
    Expression tree;
    try {
      tree =
          CCJSqlParserUtil.parseCondExpression(
              expression, false, parser -> parser.withBackslashEscapeCharacter(false));
    } catch (JSQLParserException | RuntimeException | StackOverflowError e) {
      problems.add("not one SQL boolean expression (check quotes and parentheses)");
      return new Verdict(null, problems);
    }
    new Walker(columns, problems).walk(tree);
    if (!problems.isEmpty()) {
      return new Verdict(null, problems.stream().distinct().toList());
    }
    return new Verdict("(" + tree + ")", List.of());
  }

  /**
   * What the parser and PostgreSQL might read differently is refused before parsing: statement
   * separators, comments, dollar quoting and positional parameters, backslashes (string escapes
   * depend on {@code standard_conforming_strings}) and {@code U&} escapes.
   */
  private static void checkText(String text, List<String> problems) {
    char quote = 0;
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        problems.add("must not contain a backslash");
        return;
      }
      if (Character.isISOControl(c) && !Character.isWhitespace(c)) {
        problems.add("must not contain control characters");
        return;
      }
      if (quote != 0) {
        if (c == quote) {
          quote = 0; // a doubled quote closes and reopens: same outcome
        }
        continue;
      }
      if (c == '(' && ++depth > MAX_DEPTH) {
        problems.add("nested deeper than " + MAX_DEPTH + " parentheses");
        return;
      }
      if (c == ')') {
        depth--;
      }
      if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == ';') {
        problems.add("must not contain ';' (one boolean expression only)");
        return;
      } else if (text.startsWith("--", i) || text.startsWith("/*", i) || text.startsWith("*/", i)) {
        problems.add("must not contain SQL comments (--, /* */)");
        return;
      } else if (c == '$') {
        problems.add("must not contain '$' outside a string (no dollar quoting or parameters)");
        return;
      } else if (c == '&') {
        problems.add("must not contain '&' outside a string (no U& escapes or bit operators)");
        return;
      }
    }
    if (quote != 0) {
      problems.add("has an unterminated " + (quote == '\'' ? "string" : "quoted name"));
    }
  }

  /** Allows the nodes it knows, recursing into their children; refuses every other node. */
  private static final class Walker {
    private final Set<String> columns;
    private final List<String> problems;

    Walker(Set<String> columns, List<String> problems) {
      this.columns = columns;
      this.problems = problems;
    }

    void walk(Expression e) {
      if (e == null) {
        return;
      }
      if (e instanceof LongValue || e instanceof DoubleValue || e instanceof NullValue
          || e instanceof BooleanValue) {
        return;
      }
      if (e instanceof StringValue s) {
        if (s.getPrefix() != null && !s.getPrefix().isEmpty()) {
          problems.add("string literals must be plain '…' (no E, U&, B or X prefix)");
        }
        return;
      }
      if (e instanceof DateTimeLiteralExpression) {
        return; // DATE '2024-01-01', TIMESTAMP '…': a type keyword and a plain string
      }
      if (e instanceof TimeKeyExpression t) {
        if (!TIME_KEYWORDS.contains(t.getStringValue().toLowerCase(Locale.ROOT))) {
          problems.add("only CURRENT_DATE, CURRENT_TIMESTAMP, CURRENT_TIME, LOCALTIMESTAMP and"
              + " LOCALTIME may be used of the SQL time keywords");
        }
        return;
      }
      if (e instanceof IntervalExpression i) {
        if (i.getExpression() != null) {
          problems.add("an interval must be a literal such as interval '7 days'");
        }
        return;
      }
      if (e instanceof Column c) {
        column(c);
        return;
      }
      if (e instanceof Parenthesis p) {
        walk(p.getExpression());
        return;
      }
      if (e instanceof NamedExpressionList<?>) {
        problems.add("named arguments are not allowed");
        return;
      }
      if (e instanceof ExpressionList<?> list) {
        // (a) and (a, b): parenthesised expressions and row values; subqueries are not lists
        list.forEach(this::walk);
        return;
      }
      if (e instanceof AndExpression || e instanceof OrExpression || e instanceof Addition
          || e instanceof Subtraction || e instanceof Multiplication || e instanceof Division
          || e instanceof Modulo || e instanceof Concat || e instanceof IsDistinctExpression) {
        var b = (net.sf.jsqlparser.expression.BinaryExpression) e;
        walk(b.getLeftExpression());
        walk(b.getRightExpression());
        return;
      }
      if (e instanceof ComparisonOperator c) {
        if (c.getOldOracleJoinSyntax() != 0) {
          problems.add("(+) join syntax is not allowed");
        }
        walk(c.getLeftExpression());
        walk(c.getRightExpression());
        return;
      }
      if (e instanceof LikeExpression like) {
        if (like.getLikeKeyWord() != LikeExpression.KeyWord.LIKE
            && like.getLikeKeyWord() != LikeExpression.KeyWord.ILIKE) {
          problems.add("only LIKE and ILIKE patterns are allowed");
        }
        walk(like.getLeftExpression());
        walk(like.getRightExpression());
        walk(like.getEscape());
        return;
      }
      if (e instanceof NotExpression n) {
        walk(n.getExpression());
        return;
      }
      if (e instanceof SignedExpression s) {
        walk(s.getExpression());
        return;
      }
      if (e instanceof IsNullExpression n) {
        walk(n.getLeftExpression());
        return;
      }
      if (e instanceof IsBooleanExpression b) {
        walk(b.getLeftExpression());
        return;
      }
      if (e instanceof Between b) {
        walk(b.getLeftExpression());
        walk(b.getBetweenExpressionStart());
        walk(b.getBetweenExpressionEnd());
        return;
      }
      if (e instanceof InExpression in) {
        if (in.getOldOracleJoinSyntax() != 0 || in.isGlobal()) {
          problems.add("only plain IN lists are allowed");
        }
        walk(in.getLeftExpression());
        if (!(in.getRightExpression() instanceof ExpressionList<?>)) {
          problems.add("IN must be followed by a list of values, not a subquery");
          return;
        }
        walk(in.getRightExpression());
        return;
      }
      if (e instanceof CaseExpression c) {
        walk(c.getSwitchExpression());
        for (WhenClause when : c.getWhenClauses()) {
          walk(when.getWhenExpression());
          walk(when.getThenExpression());
        }
        walk(c.getElseExpression());
        return;
      }
      if (e instanceof CastExpression c) {
        cast(c);
        return;
      }
      if (e instanceof ExtractExpression x) {
        walk(x.getExpression());
        return;
      }
      if (e instanceof Function f) {
        function(f);
        return;
      }
      problems.add(refusal(e));
    }

    private void column(Column c) {
      if (c.getTable() != null && c.getTable().getFullyQualifiedName() != null
          && !c.getTable().getFullyQualifiedName().isEmpty()) {
        problems.add("columns must be named without a table or schema");
        return;
      }
      if (c.getArrayConstructor() != null) {
        problems.add("array subscripts are not allowed");
        return;
      }
      String written = c.getColumnName();
      boolean quoted = written.length() >= 2 && written.startsWith("\"") && written.endsWith("\"");
      String name = quoted ? written.substring(1, written.length() - 1) : written;
      String lower = name.toLowerCase(Locale.ROOT);
      if (!quoted && (lower.equals("true") || lower.equals("false"))) {
        return;
      }
      if (!quoted && TIME_KEYWORDS.contains(lower)) {
        return;
      }
      if (!quoted && SESSION_KEYWORDS.contains(lower)) {
        problems.add(lower + " is not allowed (a filter sees only the row)");
        return;
      }
      if (!PLAIN_NAME.matcher(name).matches()) {
        problems.add("column names must be letters, digits and '_'");
        return;
      }
      String folded = quoted ? name : lower;
      if (columns != null && !columns.contains(folded)) {
        problems.add("column " + folded + " is not a column of the table");
      }
    }

    private void cast(CastExpression c) {
      if (!c.isImplicitCast() && c.getFormat() != null) {
        problems.add("casts with a format are not allowed");
      }
      ColDataType type = c.getColDataType();
      if (type == null) {
        problems.add("casts must name a built-in type");
        return;
      }
      String name = type.getDataType() == null ? "" : type.getDataType().toLowerCase(Locale.ROOT)
          .replaceAll("\\s+", " ").strip();
      if (name.startsWith("pg_catalog.")) {
        name = name.substring("pg_catalog.".length());
      }
      // numeric(10, 2), varchar(20): the type and its size, numbers only
      var sized = TYPE_WITH_SIZE.matcher(name);
      if (sized.matches()) {
        name = sized.group(1);
      }
      if (!CAST_TYPES.contains(name) || (type.getArrayData() != null
          && !type.getArrayData().isEmpty())) {
        problems.add("cast to " + printable(name) + " is not allowed (built-in scalar types only)");
      }
      if (type.getArgumentsStringList() != null) {
        for (String argument : type.getArgumentsStringList()) {
          if (!argument.strip().matches("[0-9]{1,4}")) {
            problems.add("type arguments must be numbers");
          }
        }
      }
      walk(c.getLeftExpression());
    }

    private void function(Function f) {
      List<String> parts = f.getMultipartName();
      String name = parts == null || parts.isEmpty() ? "" : parts.get(parts.size() - 1);
      boolean qualifiedOk =
          parts != null
              && (parts.size() == 1
                  || (parts.size() == 2 && parts.get(0).equalsIgnoreCase("pg_catalog")));
      if (!qualifiedOk || !PLAIN_NAME.matcher(name).matches()
          || !FUNCTIONS.contains(name.toLowerCase(Locale.ROOT))) {
        problems.add("function " + printable(String.join(".", parts == null ? List.of() : parts))
            + " is not allowed (allowed: built-in functions such as now, date_trunc, lower,"
            + " coalesce)");
        return;
      }
      if (f.isAllColumns() || f.isDistinct() || f.isUnique() || f.getKeep() != null
          || f.getOrderByElements() != null || f.getNamedParameters() != null
          || f.getAttribute() != null || f.getHavingClause() != null || f.getLimit() != null
          || f.isEscaped() || f.getExtraKeyword() != null || f.getNullHandling() != null) {
        problems.add("function " + name.toLowerCase(Locale.ROOT)
            + ": only plain arguments are allowed");
        return;
      }
      if (f.getParameters() != null) {
        f.getParameters().forEach(this::walk);
      }
    }

    private static String refusal(Expression e) {
      String kind = e.getClass().getSimpleName();
      if (kind.contains("Select")) {
        return "subqueries are not allowed";
      }
      if (kind.contains("Exists")) {
        return "EXISTS (a subquery) is not allowed";
      }
      if (kind.contains("Parameter") || kind.contains("Variable") || kind.contains("Bind")) {
        return "parameters and variables are not allowed";
      }
      return "this kind of expression is not allowed (" + kind + ")";
    }
  }

  private static String printable(String text) {
    String printable = FieldPaths.printable(text);
    return printable.length() > 64 ? printable.substring(0, 64) + "…" : printable;
  }
}
