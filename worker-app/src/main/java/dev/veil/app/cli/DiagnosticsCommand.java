package dev.veil.app.cli;

import dev.veil.activities.scrub.Scrubber;
import dev.veil.app.VeilConfiguration;
import dev.veil.app.VeilConfigurationSourceProvider;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.diagnostics.DiagnosticsBundle;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.logging.common.AppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.common.FileAppenderFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code diagnostics [--out FILE.zip] [--run RUN_ID…]}: writes a support bundle (see {@link
 * DiagnosticsBundle}) with every secret the agent knows scrubbed. Exit 0 when the zip is written,
 * even if parts of it could not be collected (they say why).
 */
public class DiagnosticsCommand extends VeilCommand {

  /** Where Kubernetes mounts a pod's service account. */
  static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  /** The agent's worker pods (the chart's labels) and its redaction pods (the executor's). */
  static final List<String> DEFAULT_POD_SELECTORS =
      List.of("app.kubernetes.io/part-of=veil", "app.kubernetes.io/managed-by=veil-agent");

  public DiagnosticsCommand(Console console) {
    super(console, "diagnostics", "Writes a support bundle (zip) with secrets scrubbed");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser
        .addArgument("-o", "--out")
        .metavar("FILE")
        .help("the zip to write (default: veil-diagnostics-<yyyyMMdd-HHmmss>.zip)");
    subparser
        .addArgument("--run")
        .metavar("RUN_ID")
        .action(Arguments.append())
        .help("also describe this run (repeatable; for servers that cannot list workflows)");
    subparser
        .addArgument("--pod-selector")
        .metavar("LABEL=VALUE")
        .action(Arguments.append())
        .help(
            "in a cluster: include the logs of pods with this label (repeatable; default: the"
                + " workers, app.kubernetes.io/part-of=veil, and the redaction pods,"
                + " app.kubernetes.io/managed-by=veil-agent)");
  }

  @Override
  protected int execute(Namespace namespace, VeilConfiguration configuration) throws Exception {
    String out = namespace.getString("out");
    Path zip =
        Path.of(
            out != null
                ? out
                : "veil-diagnostics-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + ".zip");
    List<String> selectors =
        namespace.getList("pod_selector") == null
            ? DEFAULT_POD_SELECTORS
            : namespace.getList("pod_selector");
    for (String selector : selectors) {
      if (!selector.matches("[^=]+=[^=]*")) {
        throw new IllegalArgumentException("--pod-selector: expected LABEL=VALUE, got " + selector);
      }
    }
    List<String> runIds = namespace.getList("run") == null ? List.of() : namespace.getList("run");

    Scrubber scrubber = scrubber(configuration);
    String raw = rawConfiguration(namespace.getString("file"));
    Optional<KubernetesClient> kubernetes =
        inCluster() ? Optional.of(new KubernetesClientBuilder().build()) : Optional.empty();
    try (TemporalClients temporal = configuration.getTemporal().build();
        OutputStream file = Files.newOutputStream(zip)) {
      String kubernetesNamespace =
          Optional.ofNullable(System.getenv("POD_NAMESPACE"))
              .orElseGet(() -> kubernetes.map(KubernetesClient::getNamespace).orElse("default"));
      List<String> entries =
          new DiagnosticsBundle(scrubber, Clock.systemUTC())
              .write(
                  new DiagnosticsBundle.Sources(
                      raw,
                      temporal,
                      configuration.getPipelines().build(),
                      runIds,
                      logFile(configuration),
                      kubernetes,
                      kubernetesNamespace,
                      selectors),
                  file);
      out().println("wrote " + zip + " (" + String.join(", ", entries) + "); secrets are scrubbed");
    } finally {
      kubernetes.ifPresent(KubernetesClient::close);
    }
    return ExitException.OK;
  }

  /** Every secret this agent knows: connection passwords, the masking key, secret-named env. */
  static Scrubber scrubber(VeilConfiguration configuration) {
    Scrubber scrubber = new Scrubber();
    configuration.getConnections().values().forEach(c -> scrubber.secret(c.getPassword()));
    scrubber.secret(configuration.getMasking().getKey());
    scrubber.secretsFromEnvironment(System.getenv());
    return scrubber;
  }

  /** The configuration text as the agent read it (environment substituted). */
  private static String rawConfiguration(String location) throws Exception {
    try (InputStream in =
        new SubstitutingSourceProvider(
                new VeilConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false))
            .open(location)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The file of the first {@code type: file} log appender, if any. */
  static Optional<Path> logFile(VeilConfiguration configuration) {
    if (configuration.getLoggingFactory() instanceof DefaultLoggingFactory logging) {
      for (AppenderFactory<?> appender : logging.getAppenders()) {
        if (appender instanceof FileAppenderFactory<?> file
            && file.getCurrentLogFilename() != null) {
          return Optional.of(Path.of(file.getCurrentLogFilename()));
        }
      }
    }
    return Optional.empty();
  }

  /** Inside a pod: the API server's address is in the environment and a token is mounted. */
  static boolean inCluster() {
    return System.getenv("KUBERNETES_SERVICE_HOST") != null
        && Files.isRegularFile(SERVICE_ACCOUNT.resolve("token"));
  }
}
