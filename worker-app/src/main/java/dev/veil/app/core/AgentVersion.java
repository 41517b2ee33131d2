package dev.veil.app.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version: from the jar's Maven metadata, else {@code dev} (running from classes). */
public final class AgentVersion {

  private static final String POM_PROPERTIES =
      "META-INF/maven/dev.veil/veil-worker-app/pom.properties";

  private AgentVersion() {}

  public static String get() {
    try (InputStream in = AgentVersion.class.getClassLoader().getResourceAsStream(POM_PROPERTIES)) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version");
        if (version != null && !version.isBlank()) {
          return version;
        }
      }
    } catch (IOException e) {
      // fall through: the version is informational
    }
    String implementation = AgentVersion.class.getPackage().getImplementationVersion();
    return implementation == null ? "dev" : implementation;
  }

  /** Whether the version names a release (an image tag worth pinning), not a development build. */
  public static boolean isRelease(String version) {
    return !version.equals("dev") && !version.endsWith("-SNAPSHOT");
  }
}
