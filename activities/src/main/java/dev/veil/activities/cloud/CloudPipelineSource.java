package dev.veil.activities.cloud;

import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.config.SpecLoader;
import dev.veil.workflows.spec.PipelineSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pipelines from the cloud dashboard. A fetched spec is kept with its ETag, and the next {@link
 * #find} sends {@code If-None-Match}: an unchanged config costs a 304 and is not parsed again. The
 * version of a spec is its ETag. Specs are validated like local files ({@link SpecLoader}), so a
 * broken config throws {@link dev.veil.activities.config.InvalidSpecException} naming the field.
 */
public final class CloudPipelineSource implements PipelineSource {

  private record Cached(String etag, PipelineSpec spec) {}

  private final CloudApiClient client;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public CloudPipelineSource(CloudApiClient client) {
    this.client = client;
  }

  /** Every pipeline with its version, as the API lists them (one request, no spec bodies). */
  public List<PipelineRef> list() {
    return client.listPipelines();
  }

  @Override
  public List<String> ids() {
    return list().stream().map(PipelineRef::id).sorted().toList();
  }

  @Override
  public Optional<PipelineSpec> find(String pipelineId) {
    Cached cached = cache.get(pipelineId);
    PipelineDocument document =
        client.fetchPipeline(pipelineId, cached == null ? null : cached.etag());
    if (document.notFound()) {
      cache.remove(pipelineId);
      return Optional.empty();
    }
    if (document.notModified() && cached != null) {
      return Optional.of(cached.spec());
    }
    // the loader checks that the id in the document is the id asked for
    PipelineSpec spec = SpecLoader.load(pipelineId + ".json", document.body());
    spec = spec.withVersion(document.etag());
    if (document.etag() != null) {
      cache.put(pipelineId, new Cached(document.etag(), spec));
    }
    return Optional.of(spec);
  }

  @Override
  public String describe() {
    return "cloud API " + client.settings().baseUrl();
  }
}
