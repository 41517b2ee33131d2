package dev.veil.workflows;

/** Names shared by every part of Veil: the task queue and the workflow id scheme. */
public final class Veil {
  /** The one task queue every Veil worker polls. */
  public static final String TASK_QUEUE = "veil";
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
