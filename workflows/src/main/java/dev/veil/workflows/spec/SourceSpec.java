package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * @param connection name of a connection configured on the agent
 * @param schemas schemas to read (default {@code [public]})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SourceSpec(String connection, List<String> schemas) {
  public List<String> effectiveSchemas() {
    return schemas == null || schemas.isEmpty() ? List.of("public") : schemas;
  }
}
