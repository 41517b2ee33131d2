package dev.veil.app.core;

/** A pipeline has no running {@code PipelineWorkflow}: not reconciled yet, or ended. */
public class NoPipelineWorkflowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NoPipelineWorkflowException(String message) {
    super(message);
  }
}
