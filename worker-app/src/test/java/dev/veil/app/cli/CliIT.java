package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.app.VeilApplication;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.VeilWorker;
import dev.veil.app.testing.CliRunner;
import dev.veil.app.testing.CliRunner.Result;
import dev.veil.app.testing.Eventually;
import dev.veil.app.testing.FakeActivities;
import dev.veil.app.testing.FakePipelineSource;
import dev.veil.app.testing.TestStack;
import dev.veil.temporaldev.DevTemporalServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code veil} commands run in-process as a user runs them, against a port-bound Temporal dev
 * server: a {@code veil worker} started by the test with the real activities (for {@code start}),
 * and a second dev server with a worker on slow fake activities (for {@code status} and {@code
 * cancel} of a run that is still going).
 */
class CliIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestStack stack;
  private static VeilApplication workerApp;
  private static Thread workerThread;
  private static final AtomicReference<Result> workerResult = new AtomicReference<>();

  private static DevTemporalServer slowTemporal;
  private static TemporalClients slowClients;
  private static VeilWorker slowWorker;
  private static FakeActivities slowActivities;
  private static Path slowConfig;

  @BeforeAll
  static void startServers() throws Exception {
    stack = new TestStack("veil_cli_it");
    workerApp = new VeilApplication();
    workerThread =
        new Thread(
            () ->
                workerResult.set(CliRunner.run(workerApp, "worker", "-c", stack.config.toString())),
            "veil-worker-command");
    workerThread.start();

    slowTemporal = DevTemporalServer.start(0);
    slowClients = TemporalClients.connect(slowTemporal.address(), "default", Duration.ofSeconds(5));
    FakePipelineSource slowPipelines = new FakePipelineSource().with("shop");
    slowActivities = new FakeActivities(slowPipelines);
    slowWorker =
        VeilWorker.createWith(
            slowClients, new VeilWorker.Settings(8, 2, true), slowActivities.all());
    slowWorker.start();
    slowConfig = stack.directory.resolve("slow.yml");
    Files.writeString(
        slowConfig, stack.config(0, 0).replace(stack.temporal.address(), slowTemporal.address()));
  }

  @AfterAll
  static void stopServers() throws Exception {
    workerApp.requestShutdown();
    workerThread.join(30_000);
    slowActivities.releaseTasks();
    slowWorker.close();
    slowClients.close();
    slowTemporal.close();
    stack.close();
  }

  @Test
  void aPortInUseFailsTheServerWithAddressAlreadyInUseNamingThePort() throws Exception {
    try (java.net.ServerSocket busy =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path config = stack.directory.resolve("busy-port.yml");
      Files.writeString(config, stack.config(busy.getLocalPort(), 0));
      Result result = CliRunner.run("server", "-c", config.toString());
      assertEquals(1, result.code(), result.toString());
      String last = result.err().strip().lines().reduce((a, b) -> b).orElse("");
      assertTrue(last.startsWith("veil server: cannot listen on "), result.toString());
      assertTrue(last.contains(":" + busy.getLocalPort() + ": Address already in use"), last);
      assertFalse(last.contains("unexpected error"), last);
    }
  }

  @Test
  void noArgumentsPrintUsage() {
    Result result = CliRunner.run();
    assertEquals(0, result.code(), result.toString());
    for (String command :
        new String[] {"server", "worker", "start", "status", "cancel", "demo", "dev-server"}) {
      assertTrue(result.out().contains("  " + command), result.toString());
    }
  }

  @Test
  void checkValidatesTheConfigurationGivenWithDashCAndItsPipelines() {
    Result result = CliRunner.run("check", "-c", stack.config.toString());
    // the configuration is fine; the stack's pipelines folder holds a broken pipeline
    assertEquals(2, result.code(), result.toString());
    assertTrue(result.err().startsWith("veil check: pipeline broken would be refused"),
        result.toString());
  }

  @Test
  void aMissingConfigurationFileIsOneLineAndExit2() {
    Result result = CliRunner.run("status", "x", "-c", "/nonexistent/veil.yml");
    assertEquals(2, result.code(), result.toString());
    assertEquals(1, result.err().strip().lines().count(), result.toString());
    assertTrue(result.err().contains("configuration file not found"), result.toString());
  }

  @Test
  void startRefusesAnInvalidSpecWithItsProblemsAndExit2() {
    Result result = CliRunner.run("start", "broken", "-c", stack.config.toString());
    assertEquals(2, result.code(), result.toString());
    assertTrue(result.err().contains("no_such_rule"), result.toString());
    assertTrue(result.out().isEmpty(), result.toString());
  }

  @Test
  void startOfAnUnknownPipelineExits2() {
    Result result = CliRunner.run("start", "nope", "-c", stack.config.toString());
    assertEquals(2, result.code(), result.toString());
    assertTrue(result.err().contains("no pipeline 'nope'"), result.toString());
  }

  @Test
  void anUnknownRunIsOneLineAndExit1() {
    Result result = CliRunner.run("status", "veil-run-none-1", "-c", stack.config.toString());
    assertEquals(1, result.code(), result.toString());
    assertEquals("veil status: no run veil-run-none-1", result.err().strip());
  }

  @Test
  void anUnreachableTemporalFailsFastWithTheAddress() throws Exception {
    int closedPort = DevTemporalServer.freePort();
    Path config = stack.directory.resolve("nowhere.yml");
    Files.writeString(
        config, stack.config(0, 0).replace(stack.temporal.address(), "127.0.0.1:" + closedPort));
    long started = System.nanoTime();

    Result result = CliRunner.run("status", "veil-run-x-1", "-c", config.toString());

    assertEquals(1, result.code(), result.toString());
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 15, result.toString());
    assertTrue(
        result.err().startsWith("veil status: cannot reach Temporal at 127.0.0.1:" + closedPort),
        result.toString());
    assertEquals(1, result.err().strip().lines().count(), result.toString());
  }

  @Test
  void statusShowsLiveRowsAndCancelEndsTheRunWithExit3() throws Exception {
    slowActivities.holdTasks();
    String runId = "veil-run-shop-cli-cancel";
    slowClientsStart(runId);

    Eventually.await(
        () -> CliRunner.run("status", runId, "--json", "-c", slowConfig.toString()),
        r -> r.code() == 0 && json(r.out()).path("rowsDone").asLong() > 0,
        Duration.ofSeconds(30));
    Result status = CliRunner.run("status", runId, "-c", slowConfig.toString());
    assertEquals(0, status.code(), status.toString());
    assertTrue(status.out().contains("public.customers"), status.toString());
    assertTrue(status.out().contains("RUNNING"), status.toString());
    assertTrue(status.out().contains("500 / 1,000"), status.toString());

    Result cancel =
        CliRunner.run(
            "cancel", runId, "--reason", "from the CLI test", "-c", slowConfig.toString());
    assertEquals(0, cancel.code(), cancel.toString());
    assertTrue(cancel.out().contains("cancel requested for " + runId), cancel.toString());

    Result followed = CliRunner.run("status", runId, "--follow", "-c", slowConfig.toString());
    assertEquals(3, followed.code(), followed.toString());
    assertTrue(followed.out().contains("CANCELLED"), followed.toString());
    assertTrue(followed.out().contains("from the CLI test"), followed.toString());

    Result again = CliRunner.run("cancel", runId, "-c", slowConfig.toString());
    assertEquals(1, again.code(), again.toString());
    assertTrue(again.err().contains("already finished"), again.toString());

    Result ended = CliRunner.run("status", runId, "-c", slowConfig.toString());
    assertEquals(3, ended.code(), "status of an ended run exits with its outcome: " + ended);
  }

  @Test
  void statusOfAFailedRunExits1() {
    slowActivities.releaseTasks();
    slowActivities.failTable("public.orders");
    String runId = "veil-run-shop-cli-failed";
    Result followed;
    try {
      slowClientsStart(runId);
      followed = CliRunner.run("status", runId, "--follow", "-c", slowConfig.toString());
    } finally {
      slowActivities.healTable("public.orders");
    }
    assertEquals(1, followed.code(), followed.toString());

    Result status = CliRunner.run("status", runId, "-c", slowConfig.toString());
    assertEquals(1, status.code(), status.toString());
    assertTrue(status.out().contains("FAILED"), status.toString());
  }

  @Test
  void devServerServesTemporalUntilShutdown() throws Exception {
    VeilApplication app = new VeilApplication();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicReference<Integer> code = new AtomicReference<>();
    Thread thread =
        new Thread(
            () ->
                code.set(
                    app.execute(
                        new PrintStream(out, true),
                        new PrintStream(err, true),
                        "dev-server",
                        "--port",
                        "0",
                        "-c",
                        stack.config.toString())));
    thread.start();
    String printed =
        Eventually.await(
            out::toString,
            text -> text.contains("Temporal dev server at "),
            Duration.ofSeconds(20));
    Matcher address = Pattern.compile("at (127\\.0\\.0\\.1:\\d+)").matcher(printed);
    assertTrue(address.find(), printed);
    try (TemporalClients clients =
        TemporalClients.connect(address.group(1), "default", Duration.ofSeconds(5))) {
      clients.checkReachable();
    }
    app.requestShutdown();
    thread.join(20_000);
    assertEquals(0, code.get(), out + "\n" + err);
  }

  @Test
  void workerFailsFastWhenTemporalIsUnreachable() throws Exception {
    Path config = stack.directory.resolve("worker-nowhere.yml");
    int closedPort = DevTemporalServer.freePort();
    Files.writeString(
        config, stack.config(0, 0).replace(stack.temporal.address(), "127.0.0.1:" + closedPort));

    Result result = CliRunner.run("worker", "-c", config.toString());

    assertEquals(1, result.code(), result.toString());
    assertTrue(
        result.err().contains("veil worker: cannot reach Temporal at 127.0.0.1:" + closedPort),
        result.toString());
  }

  /** Needs the real activities (planner, target, copy engine) from main. */
  @Test
  void startFollowCopiesThePipelineAndExits0() throws Exception {
    Result result =
        CliRunner.run(
            "start",
            "shop",
            "--follow",
            "-c",
            stack.config.toString());

    assertEquals(0, result.code(), result.toString());
    String runId = result.out().lines().findFirst().orElse("");
    assertTrue(runId.matches("veil-run-shop-\\d+-[0-9a-f]{8}"), result.toString());
    assertTrue(result.out().contains("public.customers"), result.toString());
    assertTrue(result.out().contains("SUCCEEDED: 2 tables, 900 rows"), result.toString());

    Result json =
        CliRunner.run("status", runId, "--json", "-c", stack.config.toString());
    assertEquals(0, json.code(), json.toString());
    JsonNode status = json(json.out());
    assertEquals("SUCCEEDED", status.get("outcome").asText());
    assertEquals("shop", status.get("pipelineId").asText());
    assertEquals(TestStack.CUSTOMERS + TestStack.ORDERS, status.get("rowsDone").asLong());
    assertFalse(json.out().contains(TestStack.MASKING_KEY));

    Result runs = CliRunner.run("runs", "shop", "-c", stack.config.toString());
    assertEquals(0, runs.code(), runs.toString());
    assertTrue(runs.out().startsWith("PIPELINE  RUN"), runs.toString());
    assertTrue(runs.out().matches("(?s).*\\nshop +" + runId + " +SUCCEEDED +[-0-9: ]+ +[0-9.]+ s +900\\n.*"),
        runs.toString());
    Result typo = CliRunner.run("runs", "shpo", "-c", stack.config.toString());
    assertEquals(2, typo.code(), typo.toString());
    assertTrue(typo.err().contains("did you mean 'shop'?"), typo.toString());

    // the worker command signs the run's privacy report with the agent's key: `veil report
    // verify` accepts it as saved, and refuses it once any byte is changed
    Result report = CliRunner.run("report", runId, "--json", "-c", stack.config.toString());
    assertEquals(0, report.code(), report.toString());
    assertTrue(json(report.out()).path("signature").path("value").asText().matches("[0-9a-f]{64}"),
        report.toString());
    Path saved = stack.directory.resolve("report-" + runId + ".json");
    Files.writeString(saved, report.out());
    Result valid = CliRunner.run("report", "verify", saved.toString(), "-c", stack.config.toString());
    assertEquals(0, valid.code(), valid.toString());
    byte[] original = Files.readAllBytes(saved);
    for (int at : new int[] {0, original.length / 3, original.length / 2, original.length - 2}) {
      byte[] edited = original.clone();
      edited[at] = (byte) (edited[at] == '1' ? '2' : '1');
      Files.write(saved, edited);
      Result invalid =
          CliRunner.run("report", "verify", saved.toString(), "-c", stack.config.toString());
      assertEquals(1, invalid.code(), "byte " + at + " changed: " + invalid);
      assertTrue(invalid.out().contains("signature INVALID"), invalid.toString());
    }
    assertTrue(workerThread.isAlive(), "veil worker stopped: " + workerResult.get());
  }

  private static void slowClientsStart(String runId) {
    new PipelineRunStarter(slowClients.client(), new FakePipelineSource().with("shop"))
        .start("shop", runId);
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(text, e);
    }
  }
}
