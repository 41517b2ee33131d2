package dev.veil.activities.config;

import dev.veil.workflows.activities.ConfigActivities;
import dev.veil.workflows.spec.PipelineSpec;

/** STUB — to be implemented (spec loading). */
public class ConfigActivitiesImpl implements ConfigActivities {
  private final PipelineSource source;

  public ConfigActivitiesImpl(PipelineSource source) {
    this.source = source;
  }

  @Override
  public PipelineSpec fetchPipeline(String pipelineId) {
    return source.find(pipelineId).orElseThrow();
  }
}
