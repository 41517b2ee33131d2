package dev.veil.activities.executor.kubernetes;

import dev.veil.workflows.plan.TableTask;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Names and labels of redaction pods. Everything is derived from the task, so any worker finds the
 * pods of a task again: the name from run id + task id + attempt, the labels from pipeline, run and
 * task (hashed where a value could be too long or hold characters labels do not allow).
 */
public final class PodNames {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String PIPELINE = "veil.dev/pipeline";
  public static final String RUN = "veil.dev/run";
  public static final String TASK = "veil.dev/task";
  public static final String ATTEMPT = "veil.dev/attempt";
  /** Annotations with the readable ids (labels may be hashed). */
  public static final String RUN_ID_ANNOTATION = "veil.dev/run-id";
  public static final String TASK_ID_ANNOTATION = "veil.dev/task-id";

  public static final String COMPONENT_VALUE = "redaction-pod";

  private static final int MAX_LABEL = 63;

  private PodNames() {}

  /**
   * The pod of one attempt of a task: {@code veil-<table>-<hash(run id, task id)>-a<attempt>},
   * a DNS-1123 label of at most 63 characters.
   */
  public static String podName(TableTask task, int attempt) {
    String table = dnsPart(task.table(), 24);
    // a copy that starts over under a new snapshot (epoch 2+) gets pods of its own: a pod of the
    // earlier epoch wrote into a build database that is gone
    String epoch = task.epoch() > 1 ? "/e" + task.epoch() : "";
    return "veil-" + (table.isEmpty() ? "" : table + "-")
        + hash(task.runId() + "/" + task.taskId() + epoch, 12) + "-a" + attempt;
  }

  /** Labels every pod of the task carries. */
  public static Map<String, String> labels(TableTask task, int attempt) {
    Map<String, String> labels = new LinkedHashMap<>(taskSelector(task));
    labels.put(NAME, "veil");
    labels.put(COMPONENT, COMPONENT_VALUE);
    labels.put(MANAGED_BY, "veil-agent");
    labels.put(PIPELINE, labelValue(task.pipelineId()));
    labels.put(ATTEMPT, Integer.toString(attempt));
    return labels;
  }

  /** Selects the pods of every attempt of one task of one run. */
  public static Map<String, String> taskSelector(TableTask task) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(COMPONENT, COMPONENT_VALUE);
    selector.put(RUN, labelValue(task.runId()));
    selector.put(TASK, hash(task.runId() + "/" + task.taskId(), 20));
    return selector;
  }

  /**
   * {@code value} if it is a valid label value, else its label-safe prefix plus a hash of the
   * whole, so that different values stay different.
   */
  public static String labelValue(String value) {
    if (value == null) {
      return "";
    }
    if (value.length() <= MAX_LABEL && value.matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?")) {
      return value;
    }
    String prefix = value.replaceAll("[^-A-Za-z0-9_.]", "-");
    prefix = prefix.substring(0, Math.min(prefix.length(), 50)).replaceAll("^[^A-Za-z0-9]+", "");
    return (prefix.isEmpty() ? "" : prefix + "-") + hash(value, 12);
  }

  private static String dnsPart(String value, int max) {
    String part = value == null ? "" : value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    part = part.substring(0, Math.min(part.length(), max));
    return part.replaceAll("^-+|-+$", "");
  }

  static String hash(String value, int hexChars) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, hexChars);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
