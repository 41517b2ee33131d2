package dev.veil.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.text.StringSubstitutor;
import org.apache.commons.text.lookup.StringLookupFactory;

/**
 * Opens the configuration: a file, or a classpath resource written {@code classpath:NAME}, with
 * {@code ${VEIL_X:-default}} environment substitution.
 *
 * <p>A user file <em>layers over</em> the bundled {@code veil-default.yml}: maps merge key by key,
 * and only what the file sets replaces a default (a list, a scalar, or the whole {@code
 * connections} map). So loopback binding, {@code VEIL_API_TOKEN}, {@code VEIL_HTTP_PORT} and the
 * other variables keep working unless the file overrides them. Each layer is substituted before
 * the merge, so a substituted value is never parsed as YAML twice.
 *
 * <p>Which configuration a command uses when not told ({@link #defaultLocation}): {@code
 * VEIL_CONFIG}, else {@code ./veil.yml} if present, else the bundled defaults alone.
 */
public class VeilConfigurationSourceProvider implements ConfigurationSourceProvider {

  public static final String CLASSPATH_PREFIX = "classpath:";
  public static final String BUNDLED = CLASSPATH_PREFIX + "veil-default.yml";
  public static final String LOCAL_FILE = "veil.yml";

  /** Keys whose value a user file replaces whole instead of merging into the defaults. */
  private static final List<String> REPLACED_WHOLE = List.of("connections");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final StringSubstitutor substitutor;

  public VeilConfigurationSourceProvider() {
    this(System::getenv);
  }

  /** With {@code environment} as the source of {@code ${NAME}} values (tests). */
  public VeilConfigurationSourceProvider(Function<String, String> environment) {
    this.substitutor =
        new StringSubstitutor(StringLookupFactory.INSTANCE.functionStringLookup(environment));
    this.substitutor.setEnableSubstitutionInVariables(false);
  }

  @Override
  public InputStream open(String path) throws IOException {
    String text = substitutor.replace(read(path));
    if (path.equals(BUNDLED)) {
      return bytes(text);
    }
    JsonNode defaults = YAML.readTree(substitutor.replace(read(BUNDLED)));
    JsonNode user = YAML.readTree(text);
    if (user == null || user.isMissingNode() || user.isNull()) {
      return bytes(YAML.writeValueAsString(defaults));
    }
    if (!(user instanceof ObjectNode userObject) || !(defaults instanceof ObjectNode merged)) {
      return bytes(text); // not a mapping: let the configuration parser report it
    }
    merge(merged, userObject, true);
    return bytes(YAML.writeValueAsString(merged));
  }

  /** Layers {@code over} onto {@code base}, in place. */
  static void merge(ObjectNode base, ObjectNode over, boolean topLevel) {
    List<String> names = new ArrayList<>();
    over.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode value = over.get(name);
      JsonNode current = base.get(name);
      boolean replaceWhole =
          (topLevel && REPLACED_WHOLE.contains(name))
              || (topLevel && name.equals("server") && value.has("type")
                  && !value.path("type").asText().equals(current == null ? "" : current.path("type").asText("default")));
      if (!replaceWhole && current instanceof ObjectNode currentObject
          && value instanceof ObjectNode valueObject) {
        merge(currentObject, valueObject, false);
      } else {
        base.set(name, value);
      }
    }
  }

  private String read(String path) throws IOException {
    if (path.startsWith(CLASSPATH_PREFIX)) {
      String name = path.substring(CLASSPATH_PREFIX.length());
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new FileNotFoundException("configuration resource not found: " + path);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    Path file = Path.of(path);
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException("configuration file not found: " + file.toAbsolutePath());
    }
    return Files.readString(file);
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The configuration a command reads when {@code -c/--config} is not given. */
  public static String defaultLocation() {
    return defaultLocation(System.getenv(), Path.of(""));
  }

  static String defaultLocation(Map<String, String> env, Path workingDirectory) {
    String fromEnv = env.get("VEIL_CONFIG");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    if (Files.isRegularFile(workingDirectory.resolve(LOCAL_FILE))) {
      return LOCAL_FILE;
    }
    return BUNDLED;
  }
}
