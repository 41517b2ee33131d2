package dev.veil.app.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.veil.activities.cloud.CloudPipelineSource;
import dev.veil.activities.config.PipelineSource;
import dev.veil.app.CloudFactory;
import dev.veil.app.MaskingFactory;
import dev.veil.app.PipelinesFactory;
import dev.veil.app.TemporalFactory;
import dev.veil.app.VeilConfiguration;
import dev.veil.app.VeilConfigurationSourceProvider;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * What the client commands ({@code status}, {@code cancel}, {@code start}, {@code runs}) use of
 * the configuration: how to reach Temporal, where pipeline specs come from, and whether a masking
 * key is set.
 *
 * <p>{@link #read} gets them from the same layered, substituted file as every command, but binds
 * only the {@code temporal}, {@code pipelines}, {@code masking} and {@code cloud} sections (unknown
 * keys in them are still refused): no server, logging or metrics factories and no Bean Validation
 * of the whole file, which cost a client command most of its start-up. {@code veil check}
 * validates the whole file.
 */
public record ClientSettings(
    TemporalFactory temporal, Supplier<PipelineSource> pipelines, boolean hasMaskingKey) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final ObjectMapper SECTIONS =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** The settings of a configuration that Dropwizard has parsed and validated. */
  public static ClientSettings of(VeilConfiguration configuration) {
    return new ClientSettings(
        configuration.getTemporal(),
        configuration::pipelineSource,
        configuration.getMasking().build().isPresent());
  }

  /**
   * Reads the sections client commands use from the configuration at {@code location} (a file or
   * {@code classpath:NAME}), layered over the defaults as {@link VeilConfigurationSourceProvider}
   * does.
   *
   * @throws ExitException (exit 2) naming the file and the field, when a section cannot be read
   * @throws java.io.FileNotFoundException when the file does not exist
   */
  public static ClientSettings read(String location, String command) throws IOException {
    JsonNode root;
    try (InputStream in = new VeilConfigurationSourceProvider().open(location)) {
      root = YAML.readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw invalid(command, location, "", e.getOriginalMessage());
    }
    if (root != null && !root.isObject() && !root.isNull() && !root.isMissingNode()) {
      throw invalid(command, location, "", "expected a mapping of configuration keys");
    }
    TemporalFactory temporal = section(root, "temporal", TemporalFactory.class, command, location);
    PipelinesFactory pipelines =
        section(root, "pipelines", PipelinesFactory.class, command, location);
    MaskingFactory masking = section(root, "masking", MaskingFactory.class, command, location);
    CloudFactory cloud = section(root, "cloud", CloudFactory.class, command, location);
    if (temporal.getAddress() == null || temporal.getAddress().isBlank()) {
      throw invalid(command, location, "temporal.address", "must not be blank");
    }
    if (pipelines.getDirectory() == null || pipelines.getDirectory().isBlank()) {
      throw invalid(command, location, "pipelines.directory", "must not be blank");
    }
    String key = masking.getKey();
    if (key != null && !key.isEmpty() && key.length() < 16) {
      throw invalid(
          command,
          location,
          "masking.key",
          "must be empty or at least 16 characters (VEIL_MASKING_KEY)");
    }
    Supplier<PipelineSource> source =
        () -> cloud.build().<PipelineSource>map(CloudPipelineSource::new).orElseGet(pipelines::build);
    return new ClientSettings(temporal, source, key != null && !key.isEmpty());
  }

  private static <T> T section(
      JsonNode root, String name, Class<T> type, String command, String location) {
    JsonNode node = root == null ? null : root.get(name);
    try {
      if (node == null || node.isNull()) {
        return type.getDeclaredConstructor().newInstance();
      }
      return SECTIONS.treeToValue(node, type);
    } catch (JsonMappingException e) {
      StringBuilder path = new StringBuilder(name);
      e.getPath().forEach(ref -> path.append('.').append(
          ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex())));
      String reason = e.getOriginalMessage();
      int nl = reason == null ? -1 : reason.indexOf('\n');
      throw invalid(command, location, path.toString(),
          e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException
              ? "unknown field"
              : nl < 0 ? String.valueOf(reason) : reason.substring(0, nl));
    } catch (IOException | ReflectiveOperationException e) {
      throw invalid(command, location, name, "cannot be read: " + e.getMessage());
    }
  }

  private static ExitException invalid(String command, String location, String path, String why) {
    return new ExitException(
        ExitException.INVALID,
        "veil " + command + ": " + location + " has an error"
            + (path.isEmpty() ? "" : " at " + path) + ": " + why);
  }
}
