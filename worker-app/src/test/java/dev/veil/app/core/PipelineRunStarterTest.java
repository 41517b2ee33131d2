package dev.veil.app.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.app.testing.Eventually;
import dev.veil.app.testing.FakePipelineSource;
import dev.veil.app.testing.InProcessTemporal;
import dev.veil.workflows.Veil;
import dev.veil.workflows.pipeline.PipelineWorkflow;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PipelineRunStarterTest {

  private static InProcessTemporal temporal;
  private static PipelineRunStarter starter;

  @BeforeAll
  static void startTemporal() {
    temporal =
        new InProcessTemporal(
            new FakePipelineSource().with("shop").withInvalid("broken", "rules: unknown rule 'x'"));
    starter =
        new PipelineRunStarter(
            temporal.clients.client(),
            temporal.pipelines,
            Clock.fixed(Instant.parse("2025-03-04T05:06:07Z"), ZoneOffset.UTC));
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  @Test
  void runIdsCarryThePipelineAndTheStartTime() {
    assertEquals("veil-run-shop-20250304-050607", starter.newRunId("shop"));
  }

  @Test
  void aRunIdThatIsTakenIsAConflict() {
    String runId = starter.start("shop", "veil-run-shop-taken");
    assertEquals("veil-run-shop-taken", runId);
    assertThrows(RunConflictException.class, () -> starter.start("shop", runId));
  }

  @Test
  void runsStartedInTheSameSecondGetNumberedIds() {
    String first = starter.start("shop", null);
    String second = starter.start("shop", null);
    assertEquals("veil-run-shop-20250304-050607", first);
    assertEquals("veil-run-shop-20250304-050607-2", second);
  }

  @Test
  void aFinishedRunsIdCannotBeReused() {
    String runId = starter.start("shop", "veil-run-shop-once");
    temporal.activities.releaseTasks();
    Eventually.await(
        () -> new RunStatusReader(temporal.clients).read(runId),
        dev.veil.app.api.RunStatus::finished,
        java.time.Duration.ofSeconds(30));
    assertThrows(RunConflictException.class, () -> starter.start("shop", runId));
  }

  @Test
  void anInvalidSpecStartsNothing() {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class, () -> starter.start("broken", "veil-run-broken-1"));
    assertEquals(List.of("rules: unknown rule 'x'"), e.problems());
    assertThrows(
        UnknownRunException.class,
        () -> new RunStatusReader(temporal.clients).read("veil-run-broken-1"));
  }

  @Test
  void anUnknownPipelineIsReportedAsSuch() {
    UnknownPipelineException e =
        assertThrows(UnknownPipelineException.class, () -> starter.start("nope", null));
    assertTrue(e.getMessage().contains("nope"));
  }

  @Test
  void runNowStartsThePipelineWorkflowWhenNeededAndRefusesASecondRunInFlight() {
    String runId = starter.runNow("shop", "test");
    try {
      assertTrue(runId.matches("veil-run-shop-\\d+-[0-9a-f]{8}"), runId);
      PipelineWorkflow shop =
          temporal.clients.client()
              .newWorkflowStub(PipelineWorkflow.class, Veil.pipelineWorkflowId("shop"));
      assertEquals(runId, shop.status().currentRunId());

      RunConflictException conflict =
          assertThrows(RunConflictException.class, () -> starter.runNow("shop", "test"));
      assertTrue(conflict.getMessage().contains("run " + runId + " of pipeline shop is still going"),
          conflict.getMessage());
    } finally {
      temporal.activities.releaseTasks();
    }
  }

  @Test
  void runNowOfAnInvalidSpecStartsNothing() {
    assertThrows(InvalidSpecException.class, () -> starter.runNow("broken", "test"));
  }

  @Test
  void malformedRunIdsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> starter.start("shop", "bad id/with slash"));
  }
}
