package dev.veil.activities.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.SampleSchema;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.activities.testing.WorkerMain;
import dev.veil.activities.testing.WorkerProcess;
import dev.veil.workflows.Veil;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.RunProgress;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import dev.veil.workflows.run.TableProgress;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: a worker JVM killed with SIGKILL in the middle of a multi-table run, then a new
 * worker started: the run completes with exact row counts and no duplicates. Runs against
 * Temporal's port-bound test server and real PostgreSQL; the worker is a child JVM.
 */
class WorkerCrashIT {

  @TempDir Path pipelines;

  @Test
  void runSurvivesAWorkerKilledMidCopy() throws Exception {
    ConnectionSettings source = TestPostgres.createDatabase("veil_crash_src");
    ConnectionSettings target = TestPostgres.createDatabase("veil_crash_tgt");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    WorkerProcess first = null;
    WorkerProcess second = null;
    try (Connection c = TestPostgres.connect(source);
        TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, false)) {
      SampleSchema.create(c, 6000);
      // 3 chunks of customers, one task at a time; the first worker holds chunk #1 at a gate
      // (heartbeating, as a copy does), so the run is certainly mid-copy when it is killed
      Files.writeString(
          pipelines.resolve("crash.yaml"),
          String.join("\n",
              "id: crash",
              "maxActiveTasks: 1",
              "executor: {heartbeatTimeoutSeconds: 5}",
              "source: {connection: src, schemas: [public]}",
              "target: {connection: tgt}",
              "tables:",
              "  chunkRows: 2000",
              "rules:",
              "  public.customers.email: {rule: email}",
              "  public.orders.customer_email: {rule: email}",
              "  public.customers.phone: {rule: phone}",
              ""));
      first = WorkerProcess.start(address, source, target, pipelines,
          Map.of(WorkerMain.HOLD_TASKS, "public.customers#1"));

      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
      WorkflowClient client = WorkflowClient.newInstance(service);
      PipelineRunWorkflow run =
          client.newWorkflowStub(
              PipelineRunWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue(Veil.TASK_QUEUE)
                  .setWorkflowId("veil-run-crash-1")
                  .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                  .build());
      WorkflowClient.start(run::run, PipelineRunInput.of("crash"));

      // kill once customers has a finished chunk and more to go
      waitFor(() -> {
        RunProgress p = run.progress();
        TableProgress customers = table(p, "public.customers");
        return customers != null && customers.chunksDone() >= 1
            && customers.chunksDone() < customers.chunksTotal();
      });
      first.kill();
      second = WorkerProcess.start(address, source, target, pipelines, Map.of());

      RunSummary summary = WorkflowStub.fromTyped(run).getResult(3, TimeUnit.MINUTES, RunSummary.class);
      assertEquals(RunState.SUCCEEDED, summary.state());
      try (Connection src = TestPostgres.connect(source);
          Connection tgt = TestPostgres.connect(target)) {
        for (String table : List.of("customers", "orders", "audit_log")) {
          assertEquals(scalar(src, "SELECT count(*) FROM " + table),
              scalar(tgt, "SELECT count(*) FROM " + table), table);
          assertEquals(scalar(tgt, "SELECT count(*) FROM " + table),
              scalar(tgt, "SELECT count(DISTINCT id) FROM " + table), table + " has duplicates");
        }
        assertEquals(6000L, table(summary.tables(), "public.customers").rowsDone());
      }
      service.shutdown();
    } finally {
      for (WorkerProcess p : new WorkerProcess[] {first, second}) {
        if (p != null) {
          p.close();
        }
      }
      TestPostgres.dropDatabase(source);
      TestPostgres.dropDatabases(target.database());
    }
  }

  private static TableProgress table(RunProgress progress, String name) {
    return table(progress.tables(), name);
  }

  private static TableProgress table(List<TableProgress> tables, String name) {
    return tables.stream().filter(t -> t.table().equals(name)).findFirst().orElse(null);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 90 s");
      }
      Thread.sleep(20);
    }
  }

  private static long scalar(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
