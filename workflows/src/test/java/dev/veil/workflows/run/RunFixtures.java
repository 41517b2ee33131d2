package dev.veil.workflows.run;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import dev.veil.workflows.Veil;
import dev.veil.workflows.plan.ChunkRange;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import dev.veil.workflows.spec.ExecutorSpec;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TableMode;
import dev.veil.workflows.spec.TargetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Specs and plans for workflow tests: what the planning activity would have returned. */
final class RunFixtures {

  static final String PIPELINE = "orders-demo";
  static final String RUN_ID = Veil.runWorkflowId(PIPELINE, "1");

  /**
   * Tasks heartbeat every few milliseconds while they wait; a short heartbeat timeout makes the
   * SDK send them (and so learn of cancellation) within about a second and a half. One attempt:
   * the fakes never fail by accident, so a retry would only hide a second execution.
   */
  static final ExecutorSpec FAST_EXECUTOR = new ExecutorSpec(10, 2, 1);

  private RunFixtures() {}

  static PipelineSpec spec() {
    return new PipelineSpec(
        PIPELINE,
        "v1",
        null,
        null,
        FAST_EXECUTOR,
        new SourceSpec("prod", List.of("public")),
        new TargetSpec("twin"),
        null,
        Map.of(),
        null,
        null,
        null,
        null, null,
        // no verify: the default policy (the leak check on, mode fail)
        null);
  }

  static RunPlan plan(int maxActiveTasks, TablePlan... tables) {
    return new RunPlan(
        PIPELINE,
        RUN_ID,
        "3f1c9a52-7a0e-4c1e-9b4c-2d5f6e7a8b9c",
        "v1",
        "prod",
        "twin",
        "twin",
        "twin__veil_b3f1c9a527a0e",
        List.of("public"),
        maxActiveTasks,
        List.of(tables),
        List.of(),
        null,
        List.of("foreign key orders_customer_id_fkey of public.orders is not created"));
  }

  /** A copied table split into {@code chunks} page ranges, the last one open-ended. */
  static TablePlan table(String name, int chunks, long estimatedRows) {
    List<ChunkRange> ranges = new ArrayList<>();
    for (int i = 0; i < chunks; i++) {
      ranges.add(new ChunkRange(i * 1000L, i == chunks - 1 ? -1 : (i + 1) * 1000L));
    }
    return table(name, TableMode.copy, ranges, estimatedRows);
  }

  static TablePlan table(String name, TableMode mode, List<ChunkRange> chunks, long estimatedRows) {
    return new TablePlan(
        "public",
        name,
        estimatedRows,
        List.of(
            new ColumnPlan("id", "bigint", null, null, false),
            new ColumnPlan("email", "text", "email", Map.of("domain", "example.com"), false)),
        null,
        null,
        mode,
        chunks,
        null);
  }

  /** A Mockito mock that Temporal accepts as an activity implementation. */
  static <T> T activityMock(Class<T> activityInterface) {
    return mock(activityInterface, withSettings().withoutAnnotations());
  }
}
