package dev.veil.activities.executor.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.activities.config.ConfigActivitiesImpl;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.executor.TaskActivitiesImpl;
import dev.veil.activities.RunActivities;
import dev.veil.activities.testing.SampleDatabases;
import dev.veil.activities.testing.TestKubelet;
import dev.veil.activities.testing.TestKubelet.Behaviour;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.workflows.Veil;
import dev.veil.workflows.run.CancelRequest;
import dev.veil.workflows.run.PipelineRunInput;
import dev.veil.workflows.run.PipelineRunWorkflow;
import dev.veil.workflows.run.PipelineRunWorkflowImpl;
import dev.veil.workflows.run.RunState;
import dev.veil.workflows.run.RunSummary;
import dev.veil.workflows.spec.ExecutorSpec;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.ResourcesSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.TargetSpec;
import dev.veil.workflows.spec.Toleration;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole runs through the {@code kubernetes} executor: the real workflow and activities, real
 * PostgreSQL, fabric8's mock API server in CRUD mode, and {@link TestKubelet} running each pod's
 * {@code veil run-task} in this JVM.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesExecutorIT {

  private static final String NS = "veil-test";
  private static final int CUSTOMERS = 2000;
  private static final String MASKING_KEY = "pod-key-0123456789abcdef";

  static KubernetesMockServer server;
  static KubernetesClient client;

  private static SampleDatabases databases;
  private static ConnectionSettings sourceDb;
  private static ConnectionSettings targetDb;

  private TestWorkflowEnvironment env;
  private WorkflowClient workflows;
  private TestKubelet kubelet;
  private PipelineSpec spec;

  @BeforeAll
  static void databases() throws SQLException {
    databases = SampleDatabases.create("veil_k8s", CUSTOMERS);
    sourceDb = databases.source();
    targetDb = databases.target();
  }

  @AfterAll
  static void dropDatabases() {
    databases.close();
  }

  @BeforeEach
  void cleanTarget() throws SQLException {
    databases.resetTarget();
    client.pods().inNamespace(NS).delete();
    Map<String, String> data = new LinkedHashMap<>();
    data.put("src.url", sourceDb.url());
    data.put("src.user", sourceDb.user());
    data.put("tgt.url", targetDb.url());
    data.put("tgt.user", targetDb.user());
    secret("veil-connections", data);
    secret("veil-masking", Map.of("masking-key", MASKING_KEY));
  }

  private static void secret(String name, Map<String, String> values) {
    Map<String, String> encoded = new LinkedHashMap<>();
    values.forEach((k, v) -> encoded.put(k,
        Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    client.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .endMetadata().withData(encoded).build()).createOr(r -> r.update());
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
    if (kubelet != null) {
      kubelet.close();
    }
  }

  private int maxConcurrentPods = 8;

  /** The downward API of the agent's pod, as the chart sets it. */
  private static final Map<String, String> AGENT_POD =
      Map.of("POD_NAME", "veil-agent-7d9f-x1", "POD_UID", "0b5c7e1a-agent", "POD_NAMESPACE", NS);

  private KubernetesSettings settings(Duration pendingTimeout) {
    KubernetesSettings d = KubernetesSettings.defaults(NS, "veil:test", "veil-connections");
    return new KubernetesSettings(NS, d.image(), "IfNotPresent", List.of(), "veil-runner",
        d.requests(), d.limits(), Map.of(), Map.of("pool", "redaction"), List.of(), null, null,
        maxConcurrentPods,
        3600, pendingTimeout, false, "veil-connections", "veil-masking", null, 0)
        .withOwner(AgentOwner.fromEnvironment(AGENT_POD, NS).orElseThrow());
  }

  private void start(Function<Pod, Behaviour> behaviour, Duration pendingTimeout) {
    kubelet = new TestKubelet(server, client, NS, behaviour);
    env = TestWorkflowEnvironment.newInstance();
    register(
        env.newWorker(Veil.TASK_QUEUE, NO_STICKY),
        env.newWorker(Veil.TABLE_TASK_QUEUE, taskSlots()),
        pendingTimeout);
    env.start();
    workflows = env.getWorkflowClient();
  }

  /** The Java test server cannot fail over sticky queues (DESIGN §4): the restart test needs this. */
  private static final WorkerOptions NO_STICKY =
      WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build();

  /** The table-task worker has as many slots as the executor may run pods, as in the agent. */
  private WorkerOptions taskSlots() {
    return WorkerOptions.newBuilder(NO_STICKY)
        .setMaxConcurrentActivityExecutionSize(maxConcurrentPods)
        .build();
  }

  /** Veil's workflow and activities, tasks on the kubernetes executor (a worker of its own). */
  private void register(Worker worker, Worker tasks, Duration pendingTimeout) {
    worker.registerWorkflowImplementationTypes(PipelineRunWorkflowImpl.class);
    ConnectionRegistry registry = new ConnectionRegistry(Map.of("src", sourceDb, "tgt", targetDb));
    PipelineSource source = new PipelineSource() {
      @Override
      public List<String> ids() {
        return List.of(spec.id());
      }

      @Override
      public Optional<PipelineSpec> find(String id) {
        return Optional.ofNullable(spec).filter(s -> s.id().equals(id));
      }
    };
    java.util.List<Object> activities =
        new java.util.ArrayList<>(RunActivities.workflowSide(registry, null));
    activities.add(new ConfigActivitiesImpl(source));
    worker.registerActivitiesImplementations(activities.toArray());
    tasks.registerActivitiesImplementations(
        RunActivities.tasks(new KubernetesTaskExecutor(client, settings(pendingTimeout))));
  }

  private static PipelineSpec spec(String id, int maxActiveTasks) {
    return new PipelineSpec(id, "v1", null, maxActiveTasks, new ExecutorSpec(10, 10, 3),
        new SourceSpec("src", List.of("public")), new TargetSpec("tgt"),
        new TablesSpec(null, null, null, 1000L),
        Map.of("public.customers.email", RuleSpec.of("email"),
            "public.orders.customer_email", RuleSpec.of("email"),
            "public.customers.full_name", new RuleSpec("hash", Map.of("length", "16")),
            "public.customers.phone", RuleSpec.of("phone")),
        null, new ResourcesSpec("750m", "768Mi"), Map.of("disk", "ssd"),
        List.of(new Toleration("dedicated", "Equal", "veil", "NoSchedule", null)), null, null);
  }

  private PipelineRunWorkflow stub(String runId) {
    return workflows.newWorkflowStub(PipelineRunWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(Veil.TASK_QUEUE).setWorkflowId(runId)
        .setWorkflowExecutionTimeout(Duration.ofMinutes(3)).build());
  }

  @Test
  void pipelineRunsInBoundedRedactionPodsAndCopiesTheSampleDatabase() throws Exception {
    spec = spec("pods", 2);
    start(pod -> Behaviour.RUN, Duration.ofMinutes(10));

    RunSummary summary = stub("veil-run-pods-1").run(PipelineRunInput.of("pods"));

    assertEquals(RunState.SUCCEEDED, summary.state());
    assertEquals(CUSTOMERS * 3L + 1, summary.rows());
    try (Connection src = TestPostgres.connect(sourceDb);
        Connection tgt = TestPostgres.connect(targetDb)) {
      for (String table : List.of("customers", "orders", "audit_log")) {
        assertEquals(count(src, table), count(tgt, table), table);
      }
      assertEquals(0L, scalar(tgt, "SELECT count(*) FROM customers WHERE email LIKE '%@mail.test'"));
      assertEquals(CUSTOMERS * 2L, scalar(tgt,
          "SELECT count(*) FROM orders o JOIN customers c ON c.email = o.customer_email"));
    }
    List<Pod> pods = kubelet.createdPods();
    // customers and orders are chunked at 1000 rows: more tasks than maxActiveTasks
    assertTrue(pods.size() > 2, "pods: " + pods.size());
    assertTrue(kubelet.peakPods() >= 1 && kubelet.peakPods() <= 2, "peak " + kubelet.peakPods());
    for (Pod pod : pods) {
      // owned by the agent's pod: Kubernetes deletes it when the agent is gone
      assertEquals(1, pod.getMetadata().getOwnerReferences().size());
      assertEquals("veil-agent-7d9f-x1", pod.getMetadata().getOwnerReferences().get(0).getName());
      assertEquals("0b5c7e1a-agent", pod.getMetadata().getOwnerReferences().get(0).getUid());
      Map<String, String> labels = pod.getMetadata().getLabels();
      assertEquals("redaction-pod", labels.get("app.kubernetes.io/component"));
      assertEquals("veil-agent", labels.get("app.kubernetes.io/managed-by"));
      assertEquals("pods", labels.get("veil.dev/pipeline"));
      assertEquals("veil-run-pods-1", labels.get("veil.dev/run"));
      assertNotNull(labels.get("veil.dev/task"));
      assertEquals(Map.of("pool", "redaction", "disk", "ssd"), pod.getSpec().getNodeSelector());
      assertEquals("dedicated", pod.getSpec().getTolerations().get(0).getKey());
      Container c = pod.getSpec().getContainers().get(0);
      assertEquals(new Quantity("750m"), c.getResources().getLimits().get("cpu"));
      assertEquals(new Quantity("768Mi"), c.getResources().getLimits().get("memory"));
      for (EnvVar e : c.getEnv()) {
        if (e.getName().startsWith("VEIL_")) {
          assertNull(e.getValue(), e.getName());
          assertNotNull(e.getValueFrom().getSecretKeyRef(), e.getName());
        }
      }
      assertFalse(pod.toString().contains(MASKING_KEY));
    }
    // every pod of a succeeded task is deleted
    assertEquals(List.of(), client.pods().inNamespace(NS).list().getItems());
    assertEquals(pods.size(), kubelet.deletedPods().size());
  }

  @Test
  void aWorkerRunsAtMostMaxConcurrentPodsWhateverTheRunAllows() throws Exception {
    maxConcurrentPods = 1;
    spec = spec("capped", 3);
    start(pod -> Behaviour.RUN, Duration.ofMinutes(10));

    RunSummary summary = stub("veil-run-capped-1").run(PipelineRunInput.of("capped"));

    assertEquals(RunState.SUCCEEDED, summary.state());
    assertTrue(kubelet.createdPods().size() > 3);
    assertEquals(1, kubelet.peakPods());
  }

  @Test
  void oomKilledPodFailsTheRunNamingTheTableWithAScrubbedLogTail() throws Exception {
    // one task at a time: the Java test server mishandles cancelling a sibling task that fails
    // in the same instant (FAILED_PRECONDITION ACTIVITY_UNKNOWN, the run then hangs)
    spec = spec("oom", 1);
    start(pod -> pod.getMetadata().getName().contains("orders") ? Behaviour.OOM_KILLED
        : Behaviour.RUN, Duration.ofMinutes(10));

    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> stub("veil-run-oom-1").run(PipelineRunInput.of("oom")));

    String message = messages(failed);
    assertTrue(message.contains("public.orders"), message);
    assertTrue(message.contains("OOMKilled, exit code 137"), message);
    assertTrue(message.contains("java.lang.OutOfMemoryError: Java heap space"), message);
    assertFalse(message.contains("hunter2"), message);
    assertNoTwinAndNothingLeft();
    assertEquals(List.of(), client.pods().inNamespace(NS).list().getItems());
  }

  @Test
  void podExitingNonZeroFailsTheRunWithThePodsError() throws Exception {
    spec = spec("exit", 1); // one at a time: see the OOMKilled test
    start(pod -> Behaviour.RUN, Duration.ofMinutes(10));
    // the pods cannot log in to the target: run-task prints an error line and exits 1
    secret("veil-connections", Map.of("src.url", sourceDb.url(), "src.user", sourceDb.user(),
        "tgt.url", targetDb.url(), "tgt.user", "no_such_role_here"));

    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> stub("veil-run-exit-1").run(PipelineRunInput.of("exit")));

    String message = messages(failed);
    assertTrue(message.contains("pod failed (Error, exit code 1)"), message);
    // the server's own words, as a data-free template (a role name could be anything)
    assertTrue(message.contains("a role does not exist (SQLSTATE 28000)"), message);
  }

  @Test
  void podPendingPastTheTimeoutFailsClearlyAndIsDeleted() throws Exception {
    spec = spec("pending", 1);
    start(pod -> Behaviour.UNSCHEDULABLE, Duration.ofSeconds(2));

    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> stub("veil-run-pending-1").run(PipelineRunInput.of("pending")));

    String message = messages(failed);
    assertTrue(message.contains("stayed Pending longer than 2s"), message);
    assertTrue(message.contains("Unschedulable: 0/3 nodes are available"), message);
    assertTrue(message.contains("pod deleted"), message);
    assertEquals(List.of(), client.pods().inNamespace(NS).list().getItems());
    assertEquals(1, kubelet.createdPods().size());
  }

  @Test
  void cancelDeletesTheRunningPodsAndLeavesTheTargetUnchanged() throws Exception {
    spec = spec("cancel", 2);
    start(pod -> Behaviour.HOLD, Duration.ofMinutes(10));

    PipelineRunWorkflow run = stub("veil-run-cancel-1");
    WorkflowClient.start(run::run, PipelineRunInput.of("cancel"));
    assertTrue(kubelet.awaitRunning(2, 60), "two pods running");
    run.cancel(new CancelRequest("test"));
    RunSummary summary =
        WorkflowStub.fromTyped(run).getResult(RunSummary.class);

    assertEquals(RunState.CANCELLED, summary.state());
    assertEquals(List.of(), client.pods().inNamespace(NS).list().getItems());
    assertEquals(2, kubelet.createdPods().size());
    assertNoTwinAndNothingLeft();
  }

  /** A first run that failed or was cancelled made no twin and left no database behind. */
  private void assertNoTwinAndNothingLeft() throws Exception {
    assertEquals(List.of(), TestPostgres.databasesLike(targetDb.database()), "no twin was made");
    assertEquals(List.of(), TestPostgres.databasesLike(targetDb.database() + "\\_\\_veil\\_%"),
        "no build database is left");
  }

  @Test
  void restartedWorkerFinishesTheRunUnderANewSnapshotInAPodOfItsOwn() throws Exception {
    spec = new PipelineSpec("restart", "v1", null, 1, new ExecutorSpec(10, 5, 5),
        new SourceSpec("src", List.of("public")), new TargetSpec("tgt"),
        new TablesSpec(List.of("public.customers"), null, null, null),
        Map.of("public.customers.email", RuleSpec.of("email"),
            "public.customers.phone", RuleSpec.of("phone")),
        null, null, null, null, null, null);
    start(pod -> Behaviour.HOLD, Duration.ofMinutes(10));

    PipelineRunWorkflow run = stub("veil-run-restart-1");
    WorkflowClient.start(run::run, PipelineRunInput.of("restart"));
    assertTrue(kubelet.awaitRunning(1, 60), "pod running");
    // the worker dies while its task's pod runs; a new worker takes over the run
    env.getWorkerFactory().shutdownNow();
    env.getWorkerFactory().awaitTermination(10, TimeUnit.SECONDS);
    WorkerFactory restarted = WorkerFactory.newInstance(workflows);
    try {
      register(
          restarted.newWorker(Veil.TASK_QUEUE, NO_STICKY),
          restarted.newWorker(Veil.TABLE_TASK_QUEUE, taskSlots()),
          Duration.ofMinutes(10));
      restarted.start();
      // the run's snapshot holder died with the worker: the copy starts over under a new
      // snapshot, in a pod of its own (a pod of the earlier epoch never serves the new one)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (kubelet.createdPods().size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      kubelet.release();
      RunSummary summary = WorkflowStub.fromTyped(run).getResult(RunSummary.class);

      assertEquals(RunState.SUCCEEDED, summary.state());
      assertEquals((long) CUSTOMERS, summary.rows());
      List<String> pods =
          kubelet.createdPods().stream().map(p -> p.getMetadata().getName()).toList();
      assertEquals(2, pods.size(), "pods: " + pods);
      assertEquals(2, new java.util.HashSet<>(pods).size(), "the new epoch's pod is another");
      try (Connection tgt = TestPostgres.connect(targetDb)) {
        assertEquals((long) CUSTOMERS, count(tgt, "customers"));
      }
    } finally {
      restarted.shutdownNow();
    }
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static long count(Connection c, String table) throws SQLException {
    return scalar(c, "SELECT count(*) FROM public." + table);
  }

  private static long scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
