package dev.veil.activities.testing;

import dev.veil.activities.executor.TaskRunner;
import dev.veil.workflows.plan.TableTask;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A stand-in kubelet for fabric8's {@link KubernetesMockServer} in CRUD mode: it watches the mock
 * API for new pods and "runs" them — resolves the container's {@code secretKeyRef} env from the
 * Secrets in the mock API, runs the container's {@code veil run-task} arguments in this JVM
 * ({@link TaskRunner}) against the real test databases, serves what it prints as the pod's log
 * (expectations on the {@code /log} paths, which CRUD mode does not serve), and moves the pod's
 * status through Pending → Running → Succeeded/Failed like a kubelet would.
 *
 * <p>A {@link Behaviour} per pod makes it misbehave: stay Pending (unschedulable), get
 * OOMKilled, or hold Running until {@link #release()} (for cancellation and re-attach tests).
 */
public final class TestKubelet implements AutoCloseable {

  /** What the kubelet does with a pod. */
  public enum Behaviour {
    /** Run the task; Succeeded on exit 0, Failed (reason Error) otherwise. */
    RUN,
    /** Hold the pod Running (printing progress) until {@link #release()}, then {@link #RUN}. */
    HOLD,
    /** Print a few lines, then fail with reason OOMKilled, exit code 137. */
    OOM_KILLED,
    /** Never schedule: Pending with condition PodScheduled=False, reason Unschedulable. */
    UNSCHEDULABLE
  }

  /** The progress a {@link Behaviour#HOLD} pod prints while held. */
  public static final long HELD_ROWS = 123;

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final String namespace;
  private final Function<Pod, Behaviour> behaviour;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, StringBuffer> logs = new ConcurrentHashMap<>();
  private final List<Pod> created = new CopyOnWriteArrayList<>();
  private final Set<String> live = ConcurrentHashMap.newKeySet();
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();
  private final CountDownLatch released = new CountDownLatch(1);
  private final Map<String, CountDownLatch> running = new ConcurrentHashMap<>();
  private volatile int peak;
  private final Watch watch;

  public TestKubelet(
      KubernetesMockServer server,
      KubernetesClient client,
      String namespace,
      Function<Pod, Behaviour> behaviour) {
    this.server = server;
    this.client = client;
    this.namespace = namespace;
    this.behaviour = behaviour;
    this.watch =
        client
            .pods()
            .inNamespace(namespace)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    String name = pod.getMetadata().getName();
                    if (action == Action.ADDED && !created.stream().anyMatch(p -> p.getMetadata().getName().equals(name))) {
                      started(pod);
                    } else if (action == Action.DELETED) {
                      live.remove(name);
                      deleted.add(name);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  /** Every pod the API received, as created (before any status change). */
  public List<Pod> createdPods() {
    return new ArrayList<>(created);
  }

  /** The most pods that existed at the same time. */
  public int peakPods() {
    return peak;
  }

  /** Names of the pods that were deleted. */
  public Set<String> deletedPods() {
    return Set.copyOf(deleted);
  }

  /** Lets {@link Behaviour#HOLD} pods go on. */
  public void release() {
    released.countDown();
  }

  /** Waits until {@code count} pods are Running (or were). */
  public boolean awaitRunning(int count, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (running.size() >= count) {
        return true;
      }
      synchronized (running) {
        running.wait(100);
      }
    }
    return false;
  }

  private synchronized void started(Pod pod) {
    String name = pod.getMetadata().getName();
    created.add(pod);
    live.add(name);
    peak = Math.max(peak, live.size());
    StringBuffer log = new StringBuffer();
    logs.put(name, log);
    serveLog(name, log);
    threads.submit(() -> run(pod, log));
  }

  /** The paths fabric8 reads a pod log with: plain, tailed and followed. */
  private void serveLog(String name, StringBuffer log) {
    String base = "/api/v1/namespaces/" + namespace + "/pods/" + name + "/log";
    for (String query :
        List.of("?pretty=false", "?pretty=false&tailLines=500", "?pretty=false&follow=true")) {
      server
          .expect()
          .get()
          .withPath(base + query)
          .andReply(200, request -> log.toString())
          .always();
    }
  }

  private void run(Pod pod, StringBuffer log) {
    String name = pod.getMetadata().getName();
    try {
      Behaviour what = behaviour.apply(pod);
      if (what == Behaviour.UNSCHEDULABLE) {
        status(
            name,
            new PodBuilder(pod)
                .editOrNewStatus()
                .withPhase("Pending")
                .addToConditions(
                    new PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage("0/3 nodes are available: 3 Insufficient memory.")
                        .build())
                .endStatus()
                .build());
        return;
      }
      status(name, withPhase(pod, "Running", null, null));
      synchronized (running) {
        running.put(name, new CountDownLatch(0));
        running.notifyAll();
      }
      if (what == Behaviour.OOM_KILLED) {
        log.append("{\"rows\":1000,\"bytes\":50000}\n");
        log.append("connecting with password=hunter2 to jdbc:postgresql://db/x?password=hunter2\n");
        log.append("java.lang.OutOfMemoryError: Java heap space\n");
        status(name, withPhase(pod, "Failed", "OOMKilled", 137));
        return;
      }
      if (what == Behaviour.HOLD) {
        log.append("{\"rows\":" + HELD_ROWS + ",\"bytes\":4096}\n");
        while (!released.await(100, TimeUnit.MILLISECONDS)) {
          if (!exists(name)) {
            return; // deleted while held: a killed container does nothing more
          }
        }
      }
      int exit = runTask(pod, log);
      if (exists(name)) {
        status(name, withPhase(pod, exit == 0 ? "Succeeded" : "Failed", exit == 0 ? "Completed" : "Error", exit));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.append("kubelet: ").append(e).append('\n');
      if (exists(name)) {
        status(name, withPhase(pod, "Failed", "Error", 1));
      }
    }
  }

  private int runTask(Pod pod, StringBuffer log) {
    Container container = pod.getSpec().getContainers().get(0);
    List<String> args = container.getArgs();
    if (args.size() != 3 || !"run-task".equals(args.get(0)) || !"--task".equals(args.get(1))) {
      throw new IllegalStateException("unexpected container args " + args);
    }
    TableTask task = TaskRunner.parseTask(args.get(2));
    ByteArrayOutputStream out =
        new ByteArrayOutputStream() {
          @Override
          public synchronized void write(byte[] b, int off, int len) {
            log.append(new String(b, off, len, StandardCharsets.UTF_8));
          }
        };
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      return TaskRunner.run(task, env(container), print);
    }
  }

  /** The container's environment, {@code secretKeyRef}s resolved from the mock API's Secrets. */
  private Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
        var ref = var.getValueFrom().getSecretKeyRef();
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(ref.getKey());
        if (encoded == null) {
          if (!Boolean.TRUE.equals(ref.getOptional())) {
            throw new IllegalStateException(
                "CreateContainerConfigError: secret key " + ref.getName() + "/" + ref.getKey());
          }
          continue;
        }
        env.put(var.getName(), new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
      }
    }
    return env;
  }

  private boolean exists(String name) {
    return client.pods().inNamespace(namespace).withName(name).get() != null;
  }

  private void status(String name, Pod wanted) {
    try {
      client
          .pods()
          .inNamespace(namespace)
          .withName(name)
          .editStatus(current -> new PodBuilder(current).withStatus(wanted.getStatus()).build());
    } catch (RuntimeException gone) {
      // deleted meanwhile
    }
  }

  private static Pod withPhase(Pod pod, String phase, String reason, Integer exitCode) {
    ContainerStateBuilder state = new ContainerStateBuilder();
    if (exitCode != null) {
      state.withNewTerminated().withReason(reason).withExitCode(exitCode).endTerminated();
    } else {
      state.withNewRunning().endRunning();
    }
    return new PodBuilder(pod)
        .editOrNewStatus()
        .withPhase(phase)
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(pod.getSpec().getContainers().get(0).getName())
                .withState(state.build())
                .build())
        .endStatus()
        .build();
  }

  @Override
  public void close() {
    release();
    watch.close();
    threads.shutdownNow();
  }
}
