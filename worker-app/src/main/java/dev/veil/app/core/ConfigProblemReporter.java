package dev.veil.app.core;

import java.util.List;

/** Where the reconciler reports a pipeline config that fails validation. */
@FunctionalInterface
public interface ConfigProblemReporter {
  /**
   * Reports that a config is broken. Best effort: must not throw.
   *
   * @param pipelineId the pipeline
   * @param problems each as {@code field.path: reason}
   */
  void configInvalid(String pipelineId, List<String> problems);
}
