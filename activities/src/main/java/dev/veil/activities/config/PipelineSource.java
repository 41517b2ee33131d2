package dev.veil.activities.config;

import dev.veil.workflows.spec.PipelineSpec;
import java.util.List;
import java.util.Optional;

/**
 * Where pipeline specs come from: a local folder (the offline default) or the cloud API. Specs are
 * returned validated structurally; catalog checks happen at plan time.
 */
public interface PipelineSource {
  /** Ids of every pipeline the source holds, sorted. */
  List<String> ids();

  /**
   * The pipeline with this id, empty if there is none.
   *
   * @throws InvalidSpecException if the pipeline exists but is invalid
   */
  Optional<PipelineSpec> find(String pipelineId);

  /** A short description of the source for messages, such as {@code folder /etc/veil/pipelines}. */
  default String describe() {
    return getClass().getSimpleName();
  }
}
