package dev.veil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.veil.activities.config.LocalFolderPipelineSource;
import dev.veil.activities.config.PipelineSource;
import jakarta.validation.constraints.NotBlank;
import java.nio.file.Path;

/** {@code pipelines:} where pipeline specs come from: a local folder of YAML/JSON files. */
public class PipelinesFactory {

  /** Folder of {@code <id>.yaml|yml|json} specs, relative to the working directory. */
  @NotBlank private String directory = "pipelines";

  @JsonProperty
  public String getDirectory() {
    return directory;
  }

  @JsonProperty
  public void setDirectory(String directory) {
    this.directory = directory;
  }

  public PipelineSource build() {
    return new LocalFolderPipelineSource(Path.of(directory));
  }
}
