package dev.veil.activities.config;

import dev.veil.workflows.spec.PipelineSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** STUB — to be implemented: reads {@code <dir>/*.yaml|*.yml|*.json}. */
public class LocalFolderPipelineSource implements PipelineSource {
  private final Path directory;

  public LocalFolderPipelineSource(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  @Override
  public List<String> ids() {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public Optional<PipelineSpec> find(String pipelineId) {
    throw new UnsupportedOperationException("stub");
  }
}
