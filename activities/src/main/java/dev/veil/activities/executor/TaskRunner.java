package dev.veil.activities.executor;

import dev.veil.activities.snapshot.SnapshotLostException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.veil.activities.copy.CopyEngine;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.db.SafeErrors;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.workflows.plan.TableTask;
import dev.veil.workflows.plan.TaskResult;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code veil run-task}: runs one table task in this process with connection settings
 * from environment variables, and reports on stdout as JSON lines — {@code {"rows":…,"bytes":…}}
 * while copying, then {@code {"result":{…}}} or {@code {"error":"…","retryable":…}}. This is what
 * a redaction pod runs; the kubernetes executor reads these lines from the pod's log.
 *
 * <p>Credentials come only from the environment (in a pod: {@code env.valueFrom.secretKeyRef}),
 * never from the task. Error lines carry {@link SafeErrors} messages only.
 */
public final class TaskRunner {

  public static final String SOURCE_URL = "VEIL_SOURCE_URL";
  public static final String SOURCE_USER = "VEIL_SOURCE_USER";
  public static final String SOURCE_PASSWORD = "VEIL_SOURCE_PASSWORD";
  public static final String TARGET_URL = "VEIL_TARGET_URL";
  public static final String TARGET_USER = "VEIL_TARGET_USER";
  public static final String TARGET_PASSWORD = "VEIL_TARGET_PASSWORD";
  public static final String MASKING_KEY = "VEIL_MASKING_KEY";

  /**
   * Reads and writes tasks the way Temporal's default converter does (unknown fields ignored), so
   * a task taken from workflow history can be run by hand.
   */
  public static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  private TaskRunner() {}

  /** Parses a task spec, with a message naming what is wrong. */
  public static TableTask parseTask(String json) {
    try {
      TableTask task = JSON.readValue(json, TableTask.class);
      if (task == null || task.taskId() == null || task.sourceConnection() == null
          || task.targetConnection() == null || task.table() == null) {
        throw new IllegalArgumentException(
            "task: taskId, sourceConnection, targetConnection and table are required");
      }
      return task;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "task: not a valid task JSON (" + e.getOriginalMessage() + ")");
    }
  }

  /**
   * Runs the task and prints its JSON lines.
   *
   * @param env environment variables (the process environment in {@code veil run-task})
   * @return the exit code: 0 when the task succeeded, 1 otherwise
   */
  public static int run(TableTask task, Map<String, String> env, PrintStream out) {
    try {
      if (task.delivery() != null) {
        throw new IllegalArgumentException("delivery chunks run on the local executor only: a"
            + " pod has no delivery storage credentials yet");
      }
      ConnectionRegistry connections = connections(task, env);
      String key = env.get(MASKING_KEY);
      MaskingKey maskingKey = key == null || key.isEmpty() ? null : MaskingKey.of(key);
      TaskResult result =
          new CopyEngine(connections, maskingKey)
              .copy(task, hb -> line(out, Map.of("rows", hb.rows(), "bytes", hb.bytes())));
      line(out, Map.of("result", result));
      return 0;
    } catch (Exception e) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("error", e instanceof CopyEngine.BuildDatabaseGoneException
          || e instanceof SnapshotLostException ? e.getMessage() : SafeErrors.describe(e));
      error.put(
          "retryable",
          e instanceof java.io.IOException
              || (e instanceof java.sql.SQLException && SafeErrors.retryable(e)));
      String type = TaskActivitiesImpl.failureTypeOf(e);
      if (type != null) {
        // the executor raises the failure with this type, so the workflow can tell it apart
        error.put("type", type);
      }
      line(out, error);
      return 1;
    }
  }

  private static ConnectionRegistry connections(TableTask task, Map<String, String> env) {
    Map<String, ConnectionSettings> settings = new LinkedHashMap<>();
    settings.put(task.sourceConnection(), settings(env, SOURCE_URL, SOURCE_USER, SOURCE_PASSWORD));
    settings.putIfAbsent(
        task.targetConnection(), settings(env, TARGET_URL, TARGET_USER, TARGET_PASSWORD));
    return new ConnectionRegistry(settings);
  }

  private static ConnectionSettings settings(
      Map<String, String> env, String url, String user, String password) {
    String jdbcUrl = env.get(url);
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      throw new IllegalArgumentException(url + " is not set (the connection's JDBC URL)");
    }
    String name = env.get(user);
    return new ConnectionSettings(
        jdbcUrl,
        name == null || name.isBlank() ? null : name,
        env.getOrDefault(password, ""),
        Map.of());
  }

  private static void line(PrintStream out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
      out.flush();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a progress line", e);
    }
  }
}
