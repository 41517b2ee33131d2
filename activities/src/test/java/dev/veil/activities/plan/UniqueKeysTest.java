package dev.veil.activities.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.plan.UniqueKeys.Effect;
import dev.veil.activities.plan.UniqueKeys.Masking;
import dev.veil.activities.plan.UniqueKeys.UniqueKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The composite-key and partial-index reasoning of {@link UniqueKeys} on hand-made keys (the
 * catalog side is in UniquenessAnalysisIT). New with the analysis; it did not exist before.
 */
class UniqueKeysTest {

  private static UniqueKey key(String name, List<String> columns, boolean nullsNotDistinct) {
    return new UniqueKey(name, '0', null, columns, List.of(), Set.of(), null, Set.of(),
        nullsNotDistinct, true);
  }

  private static Function<String, Masking> rules(Map<String, Effect> effects) {
    return c -> effects.containsKey(c) ? new Masking("r_" + c, effects.get(c)) : Masking.KEPT;
  }

  @Test
  void aCoveringKeyWithNullableColumnsDoesNotProtectANullsNotDistinctKey() {
    // K = (a, b) NULLS NOT DISTINCT; U = (a) NULLS DISTINCT on a nullable a: two rows with
    // a NULL and b mapped to one value collide in K although U allows them
    UniqueKeys keys = new UniqueKeys(
        List.of(key("k", List.of("a", "b"), true), key("u", List.of("a"), false)), Set.of());
    assertEquals(1, keys.violations("b", rules(Map.of("b", Effect.LOSSY)), "x").size());
    UniqueKeys notNull = new UniqueKeys(
        List.of(key("k", List.of("a", "b"), true), key("u", List.of("a"), false)), Set.of("a"));
    assertEquals(List.of(), notNull.violations("b", rules(Map.of("b", Effect.LOSSY)), "x"));
  }

  @Test
  void aNullWritingRuleOnOneColumnMakesAnOrdinaryKeySafeForEveryOtherColumn() {
    UniqueKeys keys = new UniqueKeys(List.of(key("k", List.of("a", "b"), false)), Set.of());
    assertEquals(List.of(), keys.violations("b",
        rules(Map.of("a", Effect.NULL, "b", Effect.LOSSY)), "x"));
    assertEquals(1, keys.violations("b", rules(Map.of("b", Effect.LOSSY)), "x").size());
  }

  @Test
  void predicateNullTestsSurviveRulesThatKeepNullsAndQuotedNamesAreMatched() {
    UniqueKey partial = new UniqueKey("p", '0', null, List.of("email"), List.of(), Set.of(),
        "((\"Deleted At\" IS NULL) AND (deleted IS NOT NULL))", Set.of("Deleted At", "deleted"),
        false, true);
    UniqueKeys keys = new UniqueKeys(List.of(partial), Set.of());
    assertEquals(List.of(), keys.violations("Deleted At",
        rules(Map.of("Deleted At", Effect.LOSSY)), "x"));
    assertEquals(1, keys.violations("deleted", rules(Map.of("deleted", Effect.NULL)), "x").size());
    assertTrue(UniqueKeys.mentions("(\"Deleted At\" IS NULL)", "Deleted At"));
    assertTrue(UniqueKeys.mentions("(\"user\" = 'x')", "user"));
    assertFalse(UniqueKeys.mentions("(deleted_at IS NULL)", "deleted"));
  }
}
