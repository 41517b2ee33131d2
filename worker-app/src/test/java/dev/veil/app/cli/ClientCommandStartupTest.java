package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.app.VeilMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client command starts without what it does not use: run in a JVM of its own (as {@code veil
 * status} is), it loads no class of Dropwizard's bootstrap, server, Bean Validation, metrics,
 * worker or Kubernetes client. What it loads is what it costs to start.
 */
class ClientCommandStartupTest {

  /** Packages (class name prefixes) a client command must not load. */
  private static final List<String> NOT_LOADED =
      List.of(
          "io.dropwizard.core.setup.Bootstrap",
          "io.dropwizard.core.cli.Cli ",
          "io.dropwizard.jetty.",
          "io.dropwizard.logging.",
          "org.eclipse.jetty.",
          "org.hibernate.validator.",
          "io.micrometer.",
          "io.prometheus.",
          "com.codahale.metrics.",
          "io.fabric8.",
          "org.postgresql.",
          "dev.veil.app.core.VeilWorker",
          "dev.veil.app.VeilConfiguration ",
          "io.temporal.worker.Worker ",
          "io.temporal.worker.WorkerFactory ");

  @TempDir Path dir;

  @Test
  void statusLoadsNeitherDropwizardNorTheWorkerMachinery() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-Xlog:class+load=info:stdout",
                "-cp",
                System.getProperty("java.class.path"),
                VeilMain.class.getName(),
                "status",
                "veil-run-startup-test")
            .directory(dir.toFile())
            .redirectErrorStream(true);
    builder.environment().remove("VEIL_CONFIG");
    // nothing listens there: the command ends at once with its one-line error
    builder.environment().put("VEIL_TEMPORAL_ADDRESS", "127.0.0.1:1");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "veil status did not end");

    assertEquals(1, process.exitValue(), tail(output));
    assertTrue(output.contains("veil status: cannot reach Temporal at 127.0.0.1:1"), tail(output));
    assertTrue(output.contains(" dev.veil.app.cli.StatusCommand "), "the log lists loaded classes");
    List<String> loaded =
        output.lines()
            .filter(line -> line.contains("[class,load]"))
            .map(line -> line.substring(line.indexOf("[class,load]") + 13) + " ")
            .filter(name -> NOT_LOADED.stream().anyMatch(name::startsWith))
            .map(name -> name.substring(0, name.indexOf(' ')))
            .toList();
    assertEquals(List.of(), loaded);
  }

  private static String tail(String output) {
    return output.substring(Math.max(0, output.length() - 2000));
  }
}
