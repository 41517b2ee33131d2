package dev.veil.activities.executor.kubernetes;

import dev.veil.activities.executor.TaskExecutor;
import dev.veil.workflows.FailureTypes;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskHeartbeat;
import dev.veil.workflows.plan.TaskResult;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each table task in its own redaction pod (built by {@link PodSpecs}) and follows it: a
 * watch on the pod for its phase, the pod's log for the JSON-lines progress, heartbeats with the
 * latest rows, the result from the final log line.
 *
 * <p><b>No second pod.</b> Pod names are deterministic ({@code run id + task id + attempt}, see
 * {@link PodNames#podName}), and before creating one the executor lists the pods of <em>every</em>
 * attempt of the same task ({@code veil.dev/run} + {@code veil.dev/task} labels). A pod of an
 * earlier attempt that is still Pending or Running (its worker crashed, Temporal retried the
 * activity elsewhere) or that Succeeded is followed instead of starting a new one; only Failed
 * pods (or none) lead to a new pod for this attempt. Temporal runs one attempt of an activity at a
 * time, so listing then creating cannot race with another attempt of the same task, and a
 * re-delivered same attempt hits the existing name ({@code 409}) and follows it too. Even if a
 * second pod ever ran, the chunk ledger makes the data outcome the same (the chunk's load commits
 * together with its ledger row).
 *
 * <p><b>Failures.</b> A Failed pod (non-zero exit, {@code OOMKilled}, deadline exceeded) fails the
 * task with the reason and a scrubbed tail of the pod's log; it is retried only when the pod
 * itself said the error was transient. A pod that stays Pending (unschedulable, image pull
 * errors, missing Secret keys) longer than {@code pendingTimeout} is deleted and fails the task
 * with the scheduler's or kubelet's reason.
 *
 * <p><b>Cancellation.</b> When the activity's heartbeat throws (the run was cancelled), the pod is
 * deleted and the executor waits until it is gone. When the worker stops (thread interrupted) the
 * pod is left running, so that the retried activity re-attaches to it.
 */
public final class KubernetesTaskExecutor implements TaskExecutor {

  private static final Logger log = LoggerFactory.getLogger(KubernetesTaskExecutor.class);
  private static final long BEAT_MILLIS = 1_000;
  private static final long DELETE_WAIT_SECONDS = 120;

  private final KubernetesClient client;
  private final KubernetesSettings settings;

  public KubernetesTaskExecutor(KubernetesClient client, KubernetesSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  @Override
  public TaskResult run(TableTask task, int attempt, Progress progress) throws Exception {
    if (task.delivery() != null) {
      // a redaction pod gets database credentials by secretKeyRef, not storage credentials yet
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
          "target.delivery: delivery chunks run on the local executor only for now (set"
              + " executor.type: local on the workers that take them)",
          dev.veil.workflows.FailureTypes.UNSUPPORTED);
    }
    AtomicReference<TaskHeartbeat> last =
        new AtomicReference<>(new TaskHeartbeat(task.taskId(), 0, 0));
    Pod pod = findOrCreate(task, attempt);
    return follow(task, pod.getMetadata().getName(), progress, last);
  }

  /** One pod per task activity, so the worker's task slots are the pod cap. */
  @Override
  public OptionalInt maxConcurrentTasks() {
    return OptionalInt.of(settings.maxConcurrentPods());
  }

  /** A live or succeeded pod of any attempt of the task, else a new pod for this attempt. */
  private Pod findOrCreate(TableTask task, int attempt) {
    List<Pod> existing =
        new ArrayList<>(
            client
                .pods()
                .inNamespace(settings.namespace())
                .withLabels(PodNames.taskSelector(task))
                .list()
                .getItems());
    // the latest attempt first
    existing.sort(Comparator.comparingInt(KubernetesTaskExecutor::attemptOf).reversed());
    for (Pod pod : existing) {
      String phase = PodStatuses.phase(pod);
      if (!"Failed".equals(phase) && pod.getMetadata().getDeletionTimestamp() == null) {
        log.info(
            "re-attaching to pod {} ({}) pipeline={} run={} task={} attempt={}",
            pod.getMetadata().getName(),
            phase,
            task.pipelineId(),
            task.runId(),
            task.taskId(),
            attempt);
        return pod;
      }
    }
    Pod wanted = PodSpecs.build(settings, task, attempt);
    try {
      Pod created = client.resource(wanted).create();
      log.info(
          "started pod {} pipeline={} run={} task={} attempt={}",
          created.getMetadata().getName(),
          task.pipelineId(),
          task.runId(),
          task.taskId(),
          attempt);
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        Pod current = podResource(wanted.getMetadata().getName()).get();
        if (current != null) {
          return current;
        }
      }
      throw e;
    }
  }

  private TaskResult follow(
      TableTask task, String name, Progress progress, AtomicReference<TaskHeartbeat> last)
      throws Exception {
    PodResource pod = podResource(name);
    Pod now = pod.get();
    if (now == null) {
      throw ApplicationFailure.newFailure(
          describe(task, name) + ": the pod disappeared", FailureTypes.TASK_FAILED);
    }
    AtomicReference<Pod> latest = new AtomicReference<>(now);
    long pendingDeadline = System.nanoTime() + settings.pendingTimeout().toNanos();
    LogFollower follower = null;
    // fabric8's informer follows the pod: a lost watch (410 Gone, an API server restart, a network
    // blip) is re-listed and re-attached by it, and never ends the task
    CompletableFuture<List<Pod>> ended =
        pod.informOnCondition(
            pods -> {
              if (pods.isEmpty()) {
                return true; // deleted before it finished
              }
              latest.set(pods.get(0));
              return PodStatuses.isTerminal(pods.get(0));
            });
    try {
      Pod done;
      while (true) {
        try {
          List<Pod> seen = ended.get(BEAT_MILLIS, TimeUnit.MILLISECONDS);
          if (seen.isEmpty()) {
            throw ApplicationFailure.newFailure(
                describe(task, name) + ": the pod was deleted before it finished",
                FailureTypes.TASK_FAILED);
          }
          done = seen.get(0);
          break;
        } catch (TimeoutException stillRunning) {
          Pod current = latest.get();
          String phase = PodStatuses.phase(current);
          if (follower == null && "Running".equals(phase)) {
            follower = new LogFollower(pod, task, last);
          }
          if ("Pending".equals(phase) && System.nanoTime() > pendingDeadline) {
            String reason = PodStatuses.pendingReason(current);
            deleteAndWait(name);
            throw ApplicationFailure.newNonRetryableFailure(
                describe(task, name)
                    + ": pod stayed Pending longer than "
                    + settings.pendingTimeout().toSeconds()
                    + "s ("
                    + reason
                    + "); pod deleted",
                FailureTypes.TASK_FAILED);
          }
          try {
            progress.report(last.get());
          } catch (RuntimeException cancelled) {
            log.info(
                "task cancelled, deleting pod {} pipeline={} run={} task={}",
                name,
                task.pipelineId(),
                task.runId(),
                task.taskId());
            try {
              deleteAndWait(name);
            } catch (RuntimeException e) {
              log.warn("cannot delete pod {} of a cancelled task: {}", name, e.getMessage());
            }
            throw cancelled;
          }
        } catch (ExecutionException e) {
          throw ApplicationFailure.newFailure(
              describe(task, name) + ": " + e.getCause().getMessage(), FailureTypes.TASK_FAILED);
        }
      }
      return finish(task, name, done);
    } finally {
      ended.cancel(true); // stops the informer
      if (follower != null) {
        follower.close();
      }
    }
  }

  private TaskResult finish(TableTask task, String name, Pod done) {
    PodOutput output = PodOutput.parse(logOf(name));
    if ("Succeeded".equals(PodStatuses.phase(done))) {
      TaskResult result = output.result();
      if (result == null) {
        result = PodOutput.parse(PodStatuses.terminationMessage(done)).result();
      }
      deleteQuietly(name);
      if (result == null) {
        throw ApplicationFailure.newFailure(
            describe(task, name) + ": the pod succeeded but printed no result line",
            FailureTypes.TASK_FAILED);
      }
      log.info(
          "pod {} succeeded pipeline={} run={} task={} rows={}",
          name,
          task.pipelineId(),
          task.runId(),
          task.taskId(),
          result.rows());
      return result;
    }
    String reason = PodStatuses.failureReason(done);
    if (!settings.keepFailedPods()) {
      deleteQuietly(name);
    }
    StringBuilder message = new StringBuilder(describe(task, name)).append(": pod failed (")
        .append(reason).append(')');
    if (output.error() != null) {
      message.append(": ").append(output.error());
    }
    if (!output.tail().isEmpty()) {
      message.append("\nlog tail:\n").append(output.tail());
    }
    log.warn(
        "pod {} failed pipeline={} run={} task={}: {}",
        name,
        task.pipelineId(),
        task.runId(),
        task.taskId(),
        reason);
    if (FailureTypes.BUILD_DATABASE_GONE.equals(output.failureType())
        || FailureTypes.SNAPSHOT_LOST.equals(output.failureType())) {
      // the run dropped its build database or lost its snapshot: the workflow tells these apart
      throw ApplicationFailure.newNonRetryableFailure(message.toString(), output.failureType());
    }
    return output.retryable()
        ? failRetryable(message.toString())
        : failFinal(message.toString());
  }

  private static TaskResult failRetryable(String message) {
    throw ApplicationFailure.newFailure(message, "TaskError");
  }

  private static TaskResult failFinal(String message) {
    throw ApplicationFailure.newNonRetryableFailure(message, FailureTypes.TASK_FAILED);
  }

  private static String describe(TableTask task, String pod) {
    return "table " + task.sourceSchema() + "." + task.table() + " (task " + task.taskId()
        + ", pod " + pod + ")";
  }

  private PodResource podResource(String name) {
    return client.pods().inNamespace(settings.namespace()).withName(name);
  }

  private String logOf(String name) {
    try {
      String text = podResource(name).tailingLines(500).getLog();
      return text == null ? "" : text;
    } catch (KubernetesClientException e) {
      log.warn("cannot read the log of pod {}: HTTP {}", name, e.getCode());
      return "";
    }
  }

  private void deleteQuietly(String name) {
    try {
      podResource(name).delete();
    } catch (KubernetesClientException e) {
      log.warn("cannot delete pod {}: HTTP {}", name, e.getCode());
    }
  }

  /** Deletes the pod and waits until the API no longer has it. */
  private void deleteAndWait(String name) {
    PodResource pod = podResource(name);
    pod.delete();
    pod.waitUntilCondition(Objects::isNull, DELETE_WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static int attemptOf(Pod pod) {
    String attempt =
        pod.getMetadata().getLabels() == null
            ? null
            : pod.getMetadata().getLabels().get(PodNames.ATTEMPT);
    try {
      return attempt == null ? 0 : Integer.parseInt(attempt);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Reads the pod's log as it is written and keeps the latest progress line. */
  private static final class LogFollower implements AutoCloseable {
    private final LogWatch watch;
    private final Thread reader;

    LogFollower(PodResource pod, TableTask task, AtomicReference<TaskHeartbeat> last) {
      this.watch = pod.watchLog();
      this.reader =
          new Thread(
              () -> {
                try (BufferedReader lines =
                    new BufferedReader(
                        new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    long[] progress = PodOutput.progress(line);
                    if (progress != null) {
                      last.set(new TaskHeartbeat(task.taskId(), progress[0], progress[1]));
                    }
                  }
                } catch (IOException | RuntimeException e) {
                  // the stream ends with the pod, or on close(); the result comes from the log
                }
              },
              "veil-pod-log-" + task.taskId());
      reader.setDaemon(true);
      reader.start();
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}
