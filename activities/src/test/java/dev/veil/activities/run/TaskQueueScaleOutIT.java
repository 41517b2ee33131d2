package dev.veil.activities.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.testing.SampleSchema;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.activities.testing.WorkerMain;
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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out on the table-task queue: two worker JVMs, each with two task slots, share the chunks
 * of one run against Temporal's port-bound test server and real PostgreSQL. Both copy chunks, none
 * runs more than its slots at once (counted from the workers' own task lines), and when one is
 * killed with SIGKILL mid-run the other finishes it with exact row counts.
 */
class TaskQueueScaleOutIT {

  private static final int SLOTS = 2;

  @TempDir Path pipelines;

  @Test
  void twoWorkersShareChunksWithinTheirSlotsAndOneFinishesWhenTheOtherIsKilled()
      throws Exception {
    ConnectionSettings source = TestPostgres.createDatabase("veil_scale_src");
    ConnectionSettings target = TestPostgres.createDatabase("veil_scale_tgt");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    WorkerProcess first = null;
    WorkerProcess second = null;
    try (Connection c = TestPostgres.connect(source);
        TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, false)) {
      SampleSchema.create(c, 12000);
      // 12 customer chunks; the run allows more at once than both workers have slots, so the
      // rest waits in the task queue
      Files.writeString(
          pipelines.resolve("scale.yaml"),
          String.join(
              "\n",
              "id: scale",
              "maxActiveTasks: 8",
              "executor: {heartbeatTimeoutSeconds: 5}",
              "source: {connection: src, schemas: [public]}",
              "target: {connection: tgt}",
              "tables:",
              "  chunkRows: 1000",
              "rules:",
              "  public.customers.email: {rule: email}",
              "  public.orders.customer_email: {rule: email}",
              "  public.customers.phone: {rule: phone}",
              ""));
      first = WorkerProcess.start("first", address, source, target, pipelines);
      second = WorkerProcess.start("second", address, source, target, pipelines);

      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
      WorkflowClient client = WorkflowClient.newInstance(service);
      PipelineRunWorkflow run =
          client.newWorkflowStub(
              PipelineRunWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue(Veil.TASK_QUEUE)
                  .setWorkflowId("veil-run-scale-1")
                  .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                  .build());
      WorkflowClient.start(run::run, PipelineRunInput.of("scale"));

      // both take chunks; the first is killed once it finished one and the run has more to go
      WorkerProcess a = first;
      WorkerProcess b = second;
      waitFor(() -> a.done.get() >= 1 && b.started.get() >= 1);
      int killedAfter = a.done.get();
      a.process.destroyForcibly();
      assertTrue(a.process.waitFor(30, TimeUnit.SECONDS));

      RunSummary summary =
          WorkflowStub.fromTyped(run).getResult(3, TimeUnit.MINUTES, RunSummary.class);
      System.out.printf(
          "per-worker peak of table tasks at once (slots %d): first %d (killed after %d chunks),"
              + " second %d (%d chunks)%n",
          SLOTS, a.peak.get(), killedAfter, b.peak.get(), b.done.get());
      assertEquals(RunState.SUCCEEDED, summary.state());
      assertTrue(a.peak.get() <= SLOTS, "first worker ran " + a.peak.get() + " tasks at once");
      assertTrue(b.peak.get() <= SLOTS, "second worker ran " + b.peak.get() + " tasks at once");
      assertTrue(b.done.get() >= 1, "second worker copied no chunk");
      try (Connection src = TestPostgres.connect(source);
          Connection tgt = TestPostgres.connect(target)) {
        for (String table : List.of("customers", "orders", "audit_log")) {
          assertEquals(
              scalar(src, "SELECT count(*) FROM " + table),
              scalar(tgt, "SELECT count(*) FROM " + table),
              table);
          assertEquals(
              scalar(tgt, "SELECT count(*) FROM " + table),
              scalar(tgt, "SELECT count(DISTINCT id) FROM " + table),
              table + " has duplicates");
        }
      }
      service.shutdown();
    } finally {
      for (WorkerProcess w : new WorkerProcess[] {first, second}) {
        if (w != null) {
          w.process.destroyForcibly();
          w.process.waitFor(30, TimeUnit.SECONDS);
        }
      }
      TestPostgres.dropDatabase(source);
      TestPostgres.dropDatabases(target.database());
    }
  }

  /** A {@link WorkerMain} JVM and what its task lines said: tasks started, done, most at once. */
  private static final class WorkerProcess {
    final String name;
    final Process process;
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();

    private WorkerProcess(String name, Process process) {
      this.name = name;
      this.process = process;
    }

    static WorkerProcess start(
        String name,
        String address,
        ConnectionSettings source,
        ConnectionSettings target,
        Path pipelines)
        throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(
                  java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                  WorkerMain.class.getName(), address, source.url(), target.url(), source.user(),
                  pipelines.toString(), String.valueOf(SLOTS))
              .redirectErrorStream(true)
              .start();
      WorkerProcess worker = new WorkerProcess(name, p);
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        // worker start-up log
      }
      assertEquals("READY", line, "worker " + name + " did not start");
      Thread reader =
          new Thread(
              () -> {
                try {
                  String l;
                  while ((l = out.readLine()) != null) {
                    worker.read(l);
                  }
                } catch (IOException ignored) {
                  // the process was killed
                }
              });
      reader.setDaemon(true);
      reader.start();
      return worker;
    }

    private void read(String line) {
      if (line.startsWith("TASK ") || line.contains(" WARN ") || line.contains(" ERROR ")) {
        System.out.println("[" + name + "] " + line);
      }
      if (line.startsWith("TASK started ")) {
        started.incrementAndGet();
        int running = Integer.parseInt(line.substring(line.indexOf("running=") + 8).trim());
        peak.accumulateAndGet(running, Math::max);
      } else if (line.startsWith("TASK done ")) {
        done.incrementAndGet();
      }
    }
  }

  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
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
