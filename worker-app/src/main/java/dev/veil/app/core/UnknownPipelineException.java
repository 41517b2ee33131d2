package dev.veil.app.core;

/** No pipeline with this id in the configured pipeline source. */
public class UnknownPipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownPipelineException(String pipelineId, String where) {
    super("no pipeline '" + pipelineId + "' in " + where);
  }
}
