package dev.veil.activities.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.SampleSchema;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.activities.testing.WorkerMain;
import dev.veil.activities.testing.WorkerProcess;
import dev.veil.workflows.Veil;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery at every phase of a run (#16): one run whose worker is killed with SIGKILL once
 * in each step, each time right after the step's work is done and before Temporal heard of it (the
 * worker holds the step's result; see {@link WorkerMain#HOLD_ACTIVITY}), and a new worker started.
 * Each retry must find its work done or redo it; the snapshot holder dies with every worker, so
 * the run also goes through a new epoch, and the leak check (on, the default) reads the source
 * under a snapshot of its own once the run's is gone. The run ends SUCCEEDED with the exact rows, no
 * duplicates and nothing left behind, and the old twin it replaced is gone. How long each phase
 * took to go on after its kill is printed (bounded by the steps' heartbeat timeout, not asserted:
 * timings belong to benchmarks). Runs against Temporal's port-bound test server, real PostgreSQL
 * and real pg_dump/pg_restore; workers are child JVMs.
 */
class PhaseCrashIT {

  /** The steps killed in, in run order (the chunk copy has its own test, WorkerCrashIT). */
  private static final List<String> PHASES =
      List.of("Plan", "LoadTwinSchema", "BuildTwin", "CheckLeaks", "SwapTwin", "FinishTwinSwap");

  @TempDir Path pipelines;

  @Test
  void aRunKilledAfterEachOfItsStepsStillEndsWithTheExactTwinAndNothingLeft() throws Exception {
    ConnectionSettings source = TestPostgres.createDatabase("veil_phase_src");
    ConnectionSettings target = source.withDatabase("veil_phase_tgt");
    TestPostgres.dropDatabases(target.database());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    List<WorkerProcess> workers = new ArrayList<>();
    try (Connection c = TestPostgres.connect(source);
        TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, false)) {
      SampleSchema.create(c, 3000);
      Files.writeString(
          pipelines.resolve("phases.yaml"),
          String.join("\n",
              "id: phases",
              "source: {connection: src, schemas: [public]}",
              "target: {connection: tgt}",
              "tables: {chunkRows: 1000}",
              "rules:",
              "  public.customers.email: {rule: email}",
              "  public.orders.customer_email: {rule: email}",
              "  public.customers.phone: {rule: phone}",
              ""));
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
      WorkflowClient client = WorkflowClient.newInstance(service);

      // a first, quiet run makes the twin the crashed run replaces
      workers.add(WorkerProcess.start(address, source, target, pipelines, Map.of()));
      assertEquals(RunState.SUCCEEDED, run(client, "veil-run-phases-1").state());
      workers.get(0).kill();

      workers.add(WorkerProcess.start(address, source, target, pipelines,
          Map.of(WorkerMain.HOLD_ACTIVITY, PHASES.get(0))));
      PipelineRunWorkflow second = stub(client, "veil-run-phases-2");
      WorkflowClient.start(second::run, PipelineRunInput.of("phases"));
      List<String> recoveries = new ArrayList<>();
      WorkerProcess holding = workers.get(workers.size() - 1);
      assertTrue(holding.awaitLine("HELD " + PHASES.get(0), Duration.ofMinutes(3)),
          "the run reached the end of " + PHASES.get(0));
      for (int i = 0; i < PHASES.size(); i++) {
        holding.kill();
        long killedAt = System.nanoTime();
        String next = i + 1 < PHASES.size() ? PHASES.get(i + 1) : null;
        holding = WorkerProcess.start(address, source, target, pipelines,
            next == null ? Map.of() : Map.of(WorkerMain.HOLD_ACTIVITY, next));
        workers.add(holding);
        if (next != null) {
          WorkerProcess current = holding;
          String phase = PHASES.get(i);
          assertTrue(holding.awaitLine("HELD " + next, Duration.ofMinutes(3)),
              () -> "after a kill at the end of " + phase + " the run went on to " + next
                  + "; the worker said:\n" + current.tail(60));
          recoveries.add(String.format(Locale.ROOT, "%s→%s %.1f s", PHASES.get(i), next,
              (System.nanoTime() - killedAt) / 1e9));
        }
      }
      RunSummary summary =
          WorkflowStub.fromTyped(second).getResult(3, TimeUnit.MINUTES, RunSummary.class);
      System.out.println("recovery after a kill at the end of each phase: " + recoveries);
      assertEquals(RunState.SUCCEEDED, summary.state(), String.valueOf(summary.warnings()));
      try (Connection src = TestPostgres.connect(source);
          Connection tgt = TestPostgres.connect(target)) {
        for (String table : List.of("customers", "orders", "audit_log")) {
          assertEquals(scalar(src, "SELECT count(*) FROM " + table),
              scalar(tgt, "SELECT count(*) FROM " + table), table);
          assertEquals(scalar(tgt, "SELECT count(*) FROM " + table),
              scalar(tgt, "SELECT count(DISTINCT id) FROM " + table), table + " has duplicates");
        }
        assertEquals(1L, scalar(tgt,
            "SELECT count(*) FROM _veil.run WHERE run_id = 'veil-run-phases-2'"));
      }
      assertEquals(List.of(), TestPostgres.databasesAroundSettled(target.database()),
          "no build database or replaced twin is left behind");
      service.shutdown();
    } finally {
      for (WorkerProcess w : workers) {
        w.close();
      }
      TestPostgres.dropDatabase(source);
      TestPostgres.dropDatabases(target.database());
    }
  }

  private static RunSummary run(WorkflowClient client, String runId) {
    return stub(client, runId).run(PipelineRunInput.of("phases"));
  }

  private static PipelineRunWorkflow stub(WorkflowClient client, String runId) {
    return client.newWorkflowStub(
        PipelineRunWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(Veil.TASK_QUEUE)
            .setWorkflowId(runId)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
            .build());
  }

  private static long scalar(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
