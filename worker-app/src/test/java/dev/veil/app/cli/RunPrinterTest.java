package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.workflows.run.TableProgress;
import dev.veil.workflows.run.TableState;
import org.junit.jupiter.api.Test;

class RunPrinterTest {

  @Test
  void tableLineDrawsABarOfTheShareDone() {
    String line =
        RunPrinter.tableLine(
            new TableProgress("public.orders", TableState.RUNNING, 500, 1000, 0, 0, 1, null), 14);
    assertTrue(line.contains("500 / 1,000"), line);
    assertTrue(line.endsWith("50% [############............]"), line);
  }

  @Test
  void aCopiedTableIsAFullBarEvenWhenTheEstimateWasLow() {
    assertEquals(
        "[" + "#".repeat(RunPrinter.BAR_WIDTH) + "]",
        RunPrinter.bar(new TableProgress("t", TableState.COPIED, 1200, 1000, 0, 1, 1, null)));
    assertEquals(
        "[" + ".".repeat(RunPrinter.BAR_WIDTH) + "]",
        RunPrinter.bar(new TableProgress("t", TableState.PENDING, 0, 0, 0, 0, 1, null)));
  }
}
