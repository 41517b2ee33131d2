package dev.veil.app;

import io.dropwizard.configuration.ConfigurationSourceProvider;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens the configuration: a file, or a classpath resource written {@code classpath:NAME}. Which
 * one a command uses when not told ({@link #defaultLocation}): {@code VEIL_CONFIG}, else {@code
 * ./veil.yml} if present, else the bundled {@code classpath:veil-default.yml}.
 */
public class VeilConfigurationSourceProvider implements ConfigurationSourceProvider {

  public static final String CLASSPATH_PREFIX = "classpath:";
  public static final String BUNDLED = CLASSPATH_PREFIX + "veil-default.yml";
  public static final String LOCAL_FILE = "veil.yml";

  @Override
  public InputStream open(String path) throws IOException {
    if (path.startsWith(CLASSPATH_PREFIX)) {
      String name = path.substring(CLASSPATH_PREFIX.length());
      InputStream in = getClass().getClassLoader().getResourceAsStream(name);
      if (in == null) {
        throw new FileNotFoundException("configuration resource not found: " + path);
      }
      return in;
    }
    Path file = Path.of(path);
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException("configuration file not found: " + file.toAbsolutePath());
    }
    return Files.newInputStream(file);
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
