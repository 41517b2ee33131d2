package dev.veil.activities.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many chunks a big table gets, given how many the run copies at once. */
class ChunkBalanceTest {

  @Test
  void aStragglerChunkIsFoldedIntoTheOthersWhenTheyStayCloseToChunkRows() {
    // 2.01M rows of 500k-row chunks would be 5: four copy at once, then one copies alone
    assertEquals(4, Planner.balanced(5, 2_010_000, 500_000, 4));
  }

  @Test
  void otherwiseTheChunksAreSplitFinerToFillTheLastWave() {
    // 6 chunks on 4 slots: folding into 4 makes them 1.5x chunkRows, so 8 smaller ones instead
    assertEquals(8, Planner.balanced(6, 2_900_000, 500_000, 4));
  }

  @Test
  void fewChunksEvenMultiplesAndSerialRunsAreLeftAlone() {
    assertEquals(3, Planner.balanced(3, 1_400_000, 500_000, 4));
    assertEquals(8, Planner.balanced(8, 3_900_000, 500_000, 4));
    assertEquals(5, Planner.balanced(5, 2_400_000, 500_000, 1));
  }
}
