package dev.veil.workflows;

/** Names shared by every part of Veil: the task queue and the workflow id scheme. */
public final class Veil {
  /** The task queue of workflows and the short activities; every Veil agent polls it. */
  public static final String TASK_QUEUE = "veil";
  /**
   * The task queue of table chunks ({@code TaskActivities}), apart from {@link #TASK_QUEUE} so that
   * each worker polls it with as many slots as it may stream chunks at once, and a chunk no worker
   * has room for waits in Temporal, where any free worker (or a new one) takes it.
   */
  public static final String TABLE_TASK_QUEUE = "veil-tasks";
  /** Workflow type of one pipeline run, as used by {@code temporal workflow start --type}. */
  public static final String PIPELINE_RUN_WORKFLOW_TYPE = "PipelineRun";

  private Veil() {}

  /** Workflow id of the long-lived workflow of one pipeline. */
  public static String pipelineWorkflowId(String pipelineId) {
    return "veil-pipeline-" + pipelineId;
  }

  /** Workflow id of the {@code n}th run of a pipeline. */
  public static String runWorkflowId(String pipelineId, String n) {
    return "veil-run-" + pipelineId + "-" + n;
  }
}
