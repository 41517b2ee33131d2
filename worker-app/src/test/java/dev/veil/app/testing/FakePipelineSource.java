package dev.veil.app.testing;

import dev.veil.activities.config.InvalidSpecException;
import dev.veil.activities.config.PipelineSource;
import dev.veil.workflows.spec.ExecutorSpec;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.TargetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** Specs held in memory; ids listed in {@link #invalid} exist but fail validation. */
public final class FakePipelineSource implements PipelineSource {

  private final Map<String, PipelineSpec> specs = new TreeMap<>();
  private final Map<String, List<String>> invalid = new TreeMap<>();

  /** A valid spec whose tasks heartbeat often, so cancellation reaches them quickly. */
  public static PipelineSpec spec(String id) {
    return new PipelineSpec(
        id,
        null,
        null,
        4,
        new ExecutorSpec(5, 2, 1),
        new SourceSpec("test-source", List.of("public")),
        new TargetSpec("test-target"),
        null,
        Map.of(),
        null,
        null,
        null,
        null, null, null);
  }

  public FakePipelineSource with(String id) {
    specs.put(id, spec(id));
    return this;
  }

  /** Adds or replaces a spec. */
  public synchronized FakePipelineSource put(PipelineSpec spec) {
    specs.put(spec.id(), spec);
    invalid.remove(spec.id());
    return this;
  }

  public synchronized FakePipelineSource remove(String id) {
    specs.remove(id);
    invalid.remove(id);
    return this;
  }

  public FakePipelineSource withInvalid(String id, String... problems) {
    invalid.put(id, List.of(problems));
    return this;
  }

  @Override
  public List<String> ids() {
    TreeSet<String> ids = new TreeSet<>(specs.keySet());
    ids.addAll(invalid.keySet());
    return new ArrayList<>(ids);
  }

  @Override
  public Optional<PipelineSpec> find(String pipelineId) {
    if (invalid.containsKey(pipelineId)) {
      throw new InvalidSpecException(pipelineId, invalid.get(pipelineId));
    }
    return Optional.ofNullable(specs.get(pipelineId));
  }
}
