package dev.veil.app.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.app.api.RunStatus;
import dev.veil.app.api.RunStatus.Outcome;
import dev.veil.app.testing.Eventually;
import dev.veil.app.testing.FakeActivities;
import dev.veil.app.testing.FakePipelineSource;
import dev.veil.app.testing.InProcessTemporal;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.TableProgress;
import dev.veil.workflows.run.TableState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunStatusReaderTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private InProcessTemporal temporal;
  private RunStatusReader reader;
  private PipelineRunStarter starter;

  @BeforeEach
  void startTemporal() {
    temporal = new InProcessTemporal(new FakePipelineSource().with("shop"));
    reader = new RunStatusReader(temporal.clients);
    starter = new PipelineRunStarter(temporal.clients.client(), temporal.pipelines);
  }

  @AfterEach
  void stopTemporal() {
    temporal.close();
  }

  @Test
  void runningChunksAddTheirHeartbeatRowsToTheirTables() {
    String runId = starter.start("shop", null);

    RunStatus status = Eventually.await(() -> reader.read(runId), s -> s.rowsDone() == 2000, WAIT);

    assertEquals(Outcome.RUNNING, status.outcome());
    assertEquals("RUNNING", status.workflowStatus());
    assertEquals(RunState.COPYING, status.state());
    assertEquals("shop", status.pipelineId());
    TableProgress customers = status.tables().get(0);
    assertEquals("public.customers", customers.table());
    assertEquals(TableState.RUNNING, customers.state());
    assertEquals(FakeActivities.CUSTOMERS / 2, customers.rowsDone());
    assertEquals(FakeActivities.CUSTOMERS, customers.rowsEstimated());
    assertEquals(FakeActivities.ORDERS / 2, status.tables().get(1).rowsDone());
    assertEquals(FakeActivities.CUSTOMERS + FakeActivities.ORDERS, status.rowsEstimated());
    assertTrue(status.startedAtMillis() > 0);
  }

  @Test
  void aSucceededRunIsReadFromItsResultWithoutCountingHeartbeatsTwice() {
    String runId = starter.start("shop", null);
    Eventually.await(() -> reader.read(runId), s -> s.rowsDone() > 0, WAIT);
    temporal.activities.releaseTasks();

    RunStatus status = Eventually.await(() -> reader.read(runId), RunStatus::finished, WAIT);

    assertEquals(Outcome.SUCCEEDED, status.outcome());
    assertEquals("COMPLETED", status.workflowStatus());
    assertEquals(RunState.SUCCEEDED, status.state());
    assertEquals(FakeActivities.CUSTOMERS + FakeActivities.ORDERS, status.rowsDone());
    assertTrue(status.tables().stream().allMatch(t -> t.state() == TableState.COPIED));
    assertNull(status.error());
  }

  @Test
  void aFailedRunNamesTheFailingTable() {
    temporal.activities.failTable("public.orders");
    String runId = starter.start("shop", null);

    RunStatus status = Eventually.await(() -> reader.read(runId), RunStatus::finished, WAIT);

    assertEquals(Outcome.FAILED, status.outcome());
    assertEquals("FAILED", status.workflowStatus());
    assertTrue(status.error().contains("public.orders"), status.error());
  }

  @Test
  void theCancelSignalEndsTheRunAsCancelledWithItsReason() {
    String runId = starter.start("shop", null);
    Eventually.await(() -> reader.read(runId), s -> s.rowsDone() > 0, WAIT);

    new RunCanceller(temporal.clients.client(), reader).cancel(runId, "maintenance window", false);

    RunStatus status = Eventually.await(() -> reader.read(runId), RunStatus::finished, WAIT);
    assertEquals(Outcome.CANCELLED, status.outcome());
    assertEquals("COMPLETED", status.workflowStatus());
    assertTrue(status.error().contains("maintenance window"), status.error());
    assertEquals(1, temporal.activities.calls.get("discardBuild"));
  }

  @Test
  void nativeCancellationEndsTheRunAsCanceled() {
    String runId = starter.start("shop", null);
    Eventually.await(() -> reader.read(runId), s -> s.rowsDone() > 0, WAIT);

    new RunCanceller(temporal.clients.client(), reader).cancel(runId, null, true);

    RunStatus status = Eventually.await(() -> reader.read(runId), RunStatus::finished, WAIT);
    assertEquals(Outcome.CANCELLED, status.outcome());
    assertEquals("CANCELED", status.workflowStatus());
  }

  @Test
  void cancellingAFinishedRunIsAConflict() {
    String runId = starter.start("shop", null);
    temporal.activities.releaseTasks();
    Eventually.await(() -> reader.read(runId), RunStatus::finished, WAIT);

    RunCanceller canceller = new RunCanceller(temporal.clients.client(), reader);
    assertThrows(RunConflictException.class, () -> canceller.cancel(runId, null, false));
  }

  @Test
  void anUnknownRunIsReportedAsSuch() {
    assertThrows(UnknownRunException.class, () -> reader.read("veil-run-nope-1"));
  }
}
