package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.app.testing.CliRunner;
import dev.veil.app.testing.CliRunner.Result;
import org.junit.jupiter.api.Test;

/**
 * {@code veil demo} end to end, as a user runs it: its own Temporal dev server, the demo PostgreSQL
 * ({@code VEIL_PG_URL} or embedded), the bundled demo pipeline (the tests run in {@code
 * worker-app/}, where there is no {@code pipelines/} folder). Needs the real activities.
 */
class DemoIT {

  @Test
  void theDemoCopiesTheShopAndShowsRedactedSamples() {
    Result result = CliRunner.run("demo", "--customers", "400", "--orders", "800");

    assertEquals(0, result.code(), result.toString());
    String out = result.out();
    assertTrue(out.contains("veil_demo_source: 400 customers, 800 orders"), result.toString());
    assertTrue(out.contains("Run          veil-run-demo-"), result.toString());
    assertTrue(out.contains("Sample"), result.toString());
    for (String column : DemoCommand.SAMPLE_COLUMNS) {
      assertTrue(out.contains("    " + column), column + "\n" + result);
    }
    assertTrue(out.contains("→ Jane"), result.toString());
    assertTrue(out.contains("SUCCEEDED: 2 tables, 1,200 rows"), result.toString());
    assertTrue(out.contains("rows/s"), result.toString());
  }
}
