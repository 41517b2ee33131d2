package dev.veil.app.diagnostics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.scrub.Scrubber;
import dev.veil.app.core.AgentVersion;
import dev.veil.app.core.TemporalClients;
import dev.veil.workflows.Veil;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * One zip for support: agent version, configuration (secrets scrubbed), Temporal connectivity,
 * recent workflow states per pipeline, the worker log file, and, inside a cluster, pods, events and
 * pod logs of the agent's namespace. Every entry passes through the {@link Scrubber} (log entries through {@link
 * Scrubber#scrubLog}); a part
 * that cannot be collected says why in its entry instead of failing the bundle.
 */
public final class DiagnosticsBundle {

  /** The newest part of a log file that goes into the bundle. */
  static final int LOG_TAIL_BYTES = 2 * 1024 * 1024;

  static final int POD_LOG_TAIL_LINES = 1000;

  static final int RUNS_PER_PIPELINE = 10;

  /** What the bundle is made from. */
  public record Sources(
      String rawConfiguration,
      TemporalClients temporal,
      PipelineSource pipelines,
      List<String> runIds,
      Optional<Path> logFile,
      Optional<KubernetesClient> kubernetes,
      String kubernetesNamespace,
      List<String> podSelectors) {}

  private final Scrubber scrubber;
  private final Clock clock;
  private final ObjectMapper yaml =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  public DiagnosticsBundle(Scrubber scrubber, Clock clock) {
    this.scrubber = scrubber;
    this.clock = clock;
  }

  /** Writes the bundle; returns the names of its entries. */
  public List<String> write(Sources sources, OutputStream out) throws IOException {
    List<String> names = new ArrayList<>();
    try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      entry(zip, names, "version.txt", this::version);
      entry(zip, names, "config.yml", () -> configuration(sources.rawConfiguration()));
      entry(zip, names, "temporal.txt", () -> temporal(sources.temporal()));
      entry(zip, names, "workflows.txt", () -> workflows(sources));
      if (sources.logFile().isPresent()) {
        Path file = sources.logFile().get();
        entry(zip, names, "logs/" + file.getFileName(), () -> tail(file));
      } else {
        entry(
            zip,
            names,
            "logs/README.txt",
            () ->
                "No log file is configured (logging.appenders has no `type: file` appender), so"
                    + " no worker log is included.\nIn Kubernetes the chart writes one when"
                    + " agent.logFile is true (the default); otherwise use kubectl logs.\n");
      }
      if (sources.kubernetes().isPresent()) {
        kubernetes(zip, names, sources);
      } else {
        entry(
            zip,
            names,
            "kubernetes/README.txt",
            () -> "Not running inside Kubernetes: no pods, events or pod logs collected.\n");
      }
    }
    return names;
  }

  private interface Part {
    String collect() throws Exception;
  }

  private void entry(ZipOutputStream zip, List<String> names, String name, Part part)
      throws IOException {
    String text;
    try {
      text = part.collect();
    } catch (Exception e) {
      text =
          "could not collect "
              + name
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "\n";
    }
    zip.putNextEntry(new ZipEntry(name));
    // logs may carry what other code printed of a row: e-mails and quoted values go too
    String scrubbed = name.startsWith("logs/") || name.startsWith("kubernetes/logs/")
        ? scrubber.scrubLog(text) : scrubber.scrub(text);
    zip.write(scrubbed.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
    names.add(name);
  }

  private String version() {
    return "veil agent "
        + AgentVersion.get()
        + "\njava "
        + System.getProperty("java.version")
        + " ("
        + System.getProperty("java.vendor")
        + ")\nos "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.arch")
        + "\ncollected "
        + Instant.now(clock)
        + "\n";
  }

  private String configuration(String raw) throws IOException {
    JsonNode tree = yaml.readTree(raw);
    if (tree == null) {
      return "# empty configuration\n";
    }
    return "# the agent configuration after ${…} substitution; secrets replaced by ***\n"
        + yaml.writeValueAsString(scrubber.scrubTree(tree));
  }

  private String temporal(TemporalClients temporal) {
    StringBuilder b = new StringBuilder();
    b.append("address ").append(temporal.address()).append('\n');
    b.append("namespace ").append(temporal.namespace()).append('\n');
    try {
      temporal.checkReachable();
      String version =
          temporal
              .blocking(temporal.rpcTimeout())
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance())
              .getServerVersion();
      b.append("reachable: yes")
          .append(version.isEmpty() ? "" : ", server version " + version)
          .append('\n');
    } catch (RuntimeException e) {
      b.append("reachable: no: ").append(e.getMessage()).append('\n');
    }
    return b.toString();
  }

  private String workflows(Sources sources) {
    TemporalClients temporal = sources.temporal();
    StringBuilder b = new StringBuilder();
    List<String> ids;
    try {
      ids = sources.pipelines().ids();
    } catch (RuntimeException e) {
      ids = List.of();
      b.append("pipelines: cannot list (").append(e.getMessage()).append(")\n");
    }
    for (String id : ids) {
      b.append("== pipeline ").append(id).append('\n');
      describe(temporal, Veil.pipelineWorkflowId(id), b, "  ");
      String prefix = Veil.runWorkflowId(id, "");
      try {
        ListWorkflowExecutionsResponse runs =
            temporal
                .blocking(temporal.rpcTimeout())
                .listWorkflowExecutions(
                    ListWorkflowExecutionsRequest.newBuilder()
                        .setNamespace(temporal.namespace())
                        .setPageSize(RUNS_PER_PIPELINE)
                        .setQuery("WorkflowId STARTS_WITH '" + prefix + "'")
                        .build());
        List<WorkflowExecutionInfo> matching =
            runs.getExecutionsList().stream()
                .filter(r -> r.getExecution().getWorkflowId().startsWith(prefix))
                .toList();
        b.append("  recent runs (visibility): ").append(matching.size()).append('\n');
        for (WorkflowExecutionInfo run : matching) {
          b.append("    ").append(line(run)).append('\n');
        }
      } catch (StatusRuntimeException e) {
        b.append("  recent runs: this Temporal server cannot list workflows (")
            .append(e.getStatus().getCode())
            .append("); pass --run RUN_ID to include runs\n");
      }
    }
    if (!sources.runIds().isEmpty()) {
      b.append("== runs asked for\n");
      for (String runId : sources.runIds()) {
        describe(temporal, runId, b, "  ");
      }
    }
    return b.toString();
  }

  private void describe(
      TemporalClients temporal, String workflowId, StringBuilder b, String indent) {
    try {
      DescribeWorkflowExecutionResponse response =
          temporal
              .blocking(temporal.rpcTimeout())
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(temporal.namespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .build());
      b.append(indent).append(line(response.getWorkflowExecutionInfo())).append('\n');
      for (PendingActivityInfo activity : response.getPendingActivitiesList()) {
        b.append(indent)
            .append("  pending ")
            .append(activity.getActivityType().getName())
            .append(" ")
            .append(activity.getState())
            .append(" attempt ")
            .append(activity.getAttempt());
        if (activity.hasLastFailure()) {
          b.append(" last failure: ").append(activity.getLastFailure().getMessage());
        }
        b.append('\n');
      }
    } catch (StatusRuntimeException e) {
      b.append(indent)
          .append(workflowId)
          .append(": ")
          .append(
              e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND
                  ? "not found"
                  : e.getStatus().getCode().toString())
          .append('\n');
    }
  }

  private static String line(WorkflowExecutionInfo info) {
    StringBuilder b = new StringBuilder();
    b.append(info.getExecution().getWorkflowId())
        .append(" ")
        .append(info.getType().getName())
        .append(" ")
        .append(info.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", ""));
    if (info.hasStartTime()) {
      b.append(" started ").append(Instant.ofEpochSecond(info.getStartTime().getSeconds()));
    }
    if (info.hasCloseTime()) {
      b.append(" closed ").append(Instant.ofEpochSecond(info.getCloseTime().getSeconds()));
    }
    return b.toString();
  }

  private String tail(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return "log file " + file + " does not exist (yet)\n";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      long start = Math.max(0, length - LOG_TAIL_BYTES);
      byte[] bytes = new byte[(int) (length - start)];
      in.seek(start);
      in.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (start > 0) {
        int nl = text.indexOf('\n');
        text =
            "[… the first "
                + start
                + " bytes are left out]\n"
                + (nl < 0 ? text : text.substring(nl + 1));
      }
      return text;
    }
  }

  private void kubernetes(ZipOutputStream zip, List<String> names, Sources sources)
      throws IOException {
    KubernetesClient client = sources.kubernetes().orElseThrow();
    String namespace = sources.kubernetesNamespace();
    List<Pod> pods = new ArrayList<>();
    entry(
        zip,
        names,
        "kubernetes/pods.txt",
        () -> {
          pods.addAll(client.pods().inNamespace(namespace).list().getItems());
          StringBuilder b = new StringBuilder("namespace " + namespace + "\n");
          for (Pod pod : pods) {
            b.append(podLine(pod)).append('\n');
          }
          return b.toString();
        });
    entry(
        zip,
        names,
        "kubernetes/events.txt",
        () -> {
          try {
            StringBuilder b = new StringBuilder();
            client.v1().events().inNamespace(namespace).list().getItems().stream()
                .sorted(Comparator.comparing(e -> String.valueOf(e.getLastTimestamp())))
                .forEach(
                    e ->
                        b.append(e.getLastTimestamp())
                            .append(' ')
                            .append(e.getType())
                            .append(' ')
                            .append(e.getReason())
                            .append(' ')
                            .append(e.getInvolvedObject().getKind())
                            .append('/')
                            .append(e.getInvolvedObject().getName())
                            .append(": ")
                            .append(e.getMessage())
                            .append('\n'));
            return b.toString();
          } catch (KubernetesClientException e) {
            return "cannot list events ("
                + e.getCode()
                + "): the chart grants it with rbac.allowEventsRead=true\n";
          }
        });
    for (Pod pod : pods) {
      if (!matchesAny(pod, sources.podSelectors())) {
        continue;
      }
      String name = pod.getMetadata().getName();
      entry(
          zip,
          names,
          "kubernetes/logs/" + name + ".log",
          () ->
              client
                  .pods()
                  .inNamespace(namespace)
                  .withName(name)
                  .tailingLines(POD_LOG_TAIL_LINES)
                  .getLog());
    }
  }

  /** Whether the pod has one of the {@code label=value} pairs. */
  private static boolean matchesAny(Pod pod, List<String> selectors) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (labels == null) {
      return false;
    }
    for (String selector : selectors) {
      String[] pair = selector.split("=", 2);
      if (pair.length == 2 && pair[1].equals(labels.get(pair[0]))) {
        return true;
      }
    }
    return false;
  }

  private static String podLine(Pod pod) {
    StringBuilder b = new StringBuilder(pod.getMetadata().getName());
    b.append(" phase=").append(pod.getStatus() == null ? "?" : pod.getStatus().getPhase());
    if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
      b.append(" node=").append(pod.getSpec().getNodeName());
    }
    if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
        b.append(" [")
            .append(status.getName())
            .append(" ready=")
            .append(status.getReady())
            .append(" restarts=")
            .append(status.getRestartCount());
        if (status.getState() != null && status.getState().getWaiting() != null) {
          b.append(" waiting=").append(status.getState().getWaiting().getReason());
        }
        if (status.getState() != null && status.getState().getTerminated() != null) {
          b.append(" terminated=").append(status.getState().getTerminated().getReason());
        }
        b.append(']');
      }
    }
    if (pod.getMetadata().getLabels() != null) {
      b.append(" labels=").append(pod.getMetadata().getLabels());
    }
    return b.toString();
  }
}
