package dev.veil.activities.plan;

import dev.veil.activities.rules.RuleType;
import dev.veil.activities.rules.Rules;
import dev.veil.workflows.spec.RuleSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The unique indexes of one table as PostgreSQL enforces them, and the rule that decides whether
 * masking can break one of them.
 *
 * <p>What PostgreSQL enforces, and therefore what is read from {@code pg_index}:
 *
 * <ul>
 *   <li>Only the first {@code indnkeyatts} entries of {@code indkey} are key columns; the rest are
 *       {@code INCLUDE} payload and are not unique at all.
 *   <li>A key entry of 0 is an expression; the columns it reads are in {@code expressionColumns}.
 *   <li>A partial index ({@code indpred}) is unique only among the rows its predicate selects.
 *   <li>By default NULLs are distinct: an entry with any NULL key never conflicts. With {@code
 *       NULLS NOT DISTINCT} (PostgreSQL 15) NULL is a value like any other.
 * </ul>
 *
 * <p><b>When masking can create a duplicate.</b> Let K be a unique key, and let every column carry
 * a rule: kept (none, {@code passthrough}), injective (a unique-preserving rule: distinct inputs
 * give distinct outputs, NULL stays NULL), null-writing ({@code null}) or lossy (anything else).
 * Two distinct source rows r, s collide on K after masking iff their masked key entries are
 * equal. Then:
 *
 * <ol>
 *   <li>If K treats NULLs as distinct and one of its plain key columns is null-writing, every
 *       masked entry holds a NULL and nothing can collide: K is safe.
 *   <li>If every column K reads is kept or injective, equal masked entries mean equal source
 *       entries (injective maps are one-to-one column by column), which the source already
 *       forbids: K is safe. (For an expression key this is what the catalog can guarantee: the
 *       expression is re-evaluated over masked values, e.g. {@code lower(x)}, which PostgreSQL
 *       checks when the twin's index is built.)
 *   <li>Otherwise some column c of K is lossy: two values x &ne; y exist with rule(x) = rule(y).
 *       Let S be the plain key columns of K that are kept or injective. If S contains a unique
 *       key U of the table that is valid, total (no predicate) and on plain columns only, and U
 *       cannot hold two rows that are equal on NULLs (U is NULLS NOT DISTINCT, all its columns
 *       are NOT NULL, or K itself treats NULLs as distinct so a conflicting entry has no NULL in
 *       S), then r and s collide on K only if they agree on S, hence on U, hence r = s: K is
 *       safe. This is the composite-key case: {@code UNIQUE (id, email)} with {@code PRIMARY KEY
 *       (id)} may mask {@code email} with any rule.
 *   <li>Without such a U, the catalog allows two rows that agree on S and differ on c in exactly
 *       x and y, and they would collide: the rule is refused for c. {@code UNIQUE (tenant_id,
 *       email)} needs a unique-preserving rule on {@code email}.
 * </ol>
 *
 * <p>A partial key adds one more condition: the predicate must select the same rows after masking,
 * or rows it excluded (soft-deleted duplicates, say) join the index and collide even when the key
 * columns are kept. Only a rule that cannot change the predicate's value is allowed on a column
 * the predicate reads: none, or, where the predicate only tests that column with {@code IS [NOT]
 * NULL}, any rule that does not write NULL (rules never turn NULL into a value or a value into
 * NULL, except {@code null}).
 */
final class UniqueKeys {

  /** How a rule changes a column, as far as uniqueness is concerned. */
  enum Effect {
    /** No rule, or passthrough. */
    KEEP,
    /** Distinct values stay distinct; NULL stays NULL. */
    INJECTIVE,
    /** Writes NULL. */
    NULL,
    /** Can map distinct values to one. */
    LOSSY
  }

  /** The rule a column gets, named for messages. */
  record Masking(String rule, Effect effect) {
    static final Masking KEPT = new Masking(null, Effect.KEEP);
  }

  /**
   * One unique index.
   *
   * @param name the index name
   * @param constraint {@code p}, {@code u}, or {@code 0} for a bare unique index
   * @param constraintName the constraint it backs, or null
   * @param columns plain key columns, in order (INCLUDE columns excluded)
   * @param expressions key expressions as {@code pg_get_indexdef} prints them
   * @param expressionColumns columns the key expressions read
   * @param predicate the partial index's predicate, or null
   * @param predicateColumns columns the predicate reads
   * @param nullsNotDistinct whether NULLs are equal to each other in this index
   * @param valid whether PostgreSQL enforces it ({@code indisvalid})
   */
  record UniqueKey(
      String name,
      char constraint,
      String constraintName,
      List<String> columns,
      List<String> expressions,
      Set<String> expressionColumns,
      String predicate,
      Set<String> predicateColumns,
      boolean nullsNotDistinct,
      boolean valid) {

    boolean reads(String column) {
      return columns.contains(column)
          || expressionColumns.contains(column)
          || predicateColumns.contains(column);
    }

    /** "primary key orders_pkey (id)", "unique index users_email_idx on (lower(email)) where …". */
    String describe() {
      String what =
          switch (constraint) {
            case 'p' -> "primary key " + constraintName;
            case 'u' -> "unique constraint " + constraintName;
            default -> "unique index " + name;
          };
      List<String> entries = new ArrayList<>(columns);
      entries.addAll(expressions);
      return what
          + " ("
          + String.join(", ", entries)
          + ")"
          + (nullsNotDistinct ? " NULLS NOT DISTINCT" : "")
          + (predicate == null ? "" : " WHERE " + predicate);
    }
  }

  private final List<UniqueKey> keys;
  private final Set<String> notNullColumns;

  UniqueKeys(List<UniqueKey> keys, Set<String> notNullColumns) {
    this.keys = List.copyOf(keys);
    this.notNullColumns = Set.copyOf(notNullColumns);
  }

  /** What a column's rule does to uniqueness; no rule (null) keeps the column. */
  static Masking maskingOf(RuleSpec rule) {
    RuleType type = rule == null ? null : Rules.find(rule.rule());
    if (type == null || type.name().equals("passthrough")) {
      return Masking.KEPT; // an unknown rule is reported on its own
    }
    if (type.writesNull()) {
      return new Masking(type.name(), Effect.NULL);
    }
    boolean injective;
    try {
      injective = type.uniquePreserving(rule.params());
    } catch (RuntimeException e) {
      injective = true; // bad parameters are reported by validate()
    }
    return new Masking(type.name(), injective ? Effect.INJECTIVE : Effect.LOSSY);
  }

  List<UniqueKey> keys() {
    return keys;
  }

  /**
   * Why the column's rule can break a unique key, one reason per key, each naming the column,
   * the key and the rule; empty when it cannot.
   *
   * @param column the column whose rule is judged
   * @param masking the rule of every column of the table (for composite keys)
   * @param uniqueRules the unique-preserving rules, named in the advice
   */
  List<String> violations(
      String column, Function<String, Masking> masking, String uniqueRules) {
    Masking m = masking.apply(column);
    List<String> out = new ArrayList<>();
    if (m.effect() == Effect.KEEP) {
      return out;
    }
    for (UniqueKey k : keys) {
      if (!k.reads(column)) {
        continue;
      }
      if (k.predicateColumns().contains(column) && !predicateKeeps(k, column, m)) {
        out.add("rule '" + m.rule() + "' on " + column + " can change which rows the partial "
            + k.describe() + " covers, so rows it left out could collide (leave " + column
            + " unmasked" + (m.effect() == Effect.NULL ? "" : ", or mask it only where the"
            + " predicate tests it with IS NULL / IS NOT NULL") + ")");
        continue;
      }
      if (!k.columns().contains(column) && !k.expressionColumns().contains(column)) {
        continue; // read only by the predicate, which it keeps
      }
      if (!k.nullsNotDistinct()
          && k.columns().stream().anyMatch(c -> masking.apply(c).effect() == Effect.NULL)) {
        continue; // every masked entry holds a NULL, and NULLs are distinct here
      }
      boolean lossy =
          m.effect() == Effect.LOSSY
              || (m.effect() == Effect.NULL
                  && (k.nullsNotDistinct() || !k.columns().contains(column)));
      if (!lossy || coveredByKeptKey(k, masking)) {
        continue;
      }
      String advice = " (use a unique-preserving rule: " + uniqueRules + ")";
      if (m.effect() == Effect.NULL && k.nullsNotDistinct()) {
        out.add("rule '" + m.rule() + "' writes NULL into " + column + ", but the column is"
            + " under a UNIQUE or PRIMARY KEY constraint that treats NULLs as equal: "
            + k.describe() + ", so two rows would collide" + advice);
      } else if (m.effect() == Effect.NULL) {
        out.add("rule '" + m.rule() + "' writes NULL into " + column + ", which the expression"
            + " of a UNIQUE or PRIMARY KEY constraint reads: " + k.describe()
            + ", so rows can collide" + advice);
      } else {
        out.add("rule '" + m.rule() + "' can map distinct values to the same output, but the"
            + " column is under a UNIQUE or PRIMARY KEY constraint: " + k.describe()
            + (k.columns().size() + k.expressions().size() > 1
                ? ", whose other columns do not hold a unique key of their own" : "")
            + advice);
      }
    }
    return out;
  }

  /** Step 3 of the class comment: a total unique key among K's kept or injective columns. */
  private boolean coveredByKeptKey(UniqueKey k, Function<String, Masking> masking) {
    Set<String> kept = new LinkedHashSet<>();
    for (String c : k.columns()) {
      Effect e = masking.apply(c).effect();
      if (e == Effect.KEEP || e == Effect.INJECTIVE) {
        kept.add(c);
      }
    }
    for (UniqueKey u : keys) {
      if (u == k || !u.valid() || u.predicate() != null || !u.expressions().isEmpty()
          || u.columns().isEmpty() || !kept.containsAll(u.columns())) {
        continue;
      }
      if (u.nullsNotDistinct() || !k.nullsNotDistinct()
          || notNullColumns.containsAll(u.columns())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the predicate selects the same rows after masking: the rule keeps NULL and non-NULL
   * apart, and the predicate only asks whether the column is NULL.
   */
  private static boolean predicateKeeps(UniqueKey k, String column, Masking m) {
    if (m.effect() == Effect.NULL) {
      return false;
    }
    String name = columnPattern(column);
    String withoutNullTests =
        k.predicate().replaceAll("\\(*(" + name + ")\\)*\\s+IS\\s+(NOT\\s+)?NULL", "");
    return !Pattern.compile(name).matcher(withoutNullTests).find();
  }

  /** Whether an expression printed by the server reads the column (bare or quoted). */
  static boolean mentions(String expression, String column) {
    return expression != null && Pattern.compile(columnPattern(column)).matcher(expression).find();
  }

  /**
   * The column as {@code pg_get_expr} prints it: quoted ({@code "Email"}, {@code "user"}), or bare
   * when it is a plain lower-case name that is not a keyword.
   */
  private static String columnPattern(String column) {
    String quoted = Pattern.quote("\"" + column.replace("\"", "\"\"") + "\"");
    if (!column.matches("[a-z_][a-z0-9_$]*")) {
      return "(?:" + quoted + ")";
    }
    return "(?:(?<![\\w$\"])" + Pattern.quote(column) + "(?![\\w$\"])|" + quoted + ")";
  }
}
