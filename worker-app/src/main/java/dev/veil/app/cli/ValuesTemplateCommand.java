package dev.veil.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.veil.activities.config.PipelineSource;
import dev.veil.app.VeilConfiguration;
import dev.veil.app.core.AgentVersion;
import dev.veil.app.core.UnknownPipelineException;
import dev.veil.workflows.spec.PipelineSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code values-template <pipeline…>}: a values file for the {@code veil-agent} Helm chart with one
 * {@code connections} entry per connection the given pipelines use and the pipelines' specs, every
 * credential a {@code changeme} placeholder (the chart refuses to install while one is left), and
 * the {@code helm upgrade --install} command that installs it.
 */
public class ValuesTemplateCommand extends VeilCommand {

  /** The placeholder the chart refuses (values.schema.json and validateValues). */
  public static final String PLACEHOLDER = "changeme";

  /** Connection names the chart accepts (values.schema.json, connections.propertyNames). */
  private static final Pattern CHART_CONNECTION_NAME =
      Pattern.compile("[a-zA-Z0-9][-_.a-zA-Z0-9]{0,62}");

  private static final List<String> SPEC_EXTENSIONS = List.of(".yaml", ".yml", ".json");

  private final ObjectMapper yaml =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

  public ValuesTemplateCommand(Console console) {
    super(
        console,
        "values-template",
        "Prints a Helm values file (changeme placeholders) for the connections of pipelines");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser
        .addArgument("pipelines")
        .metavar("PIPELINE")
        .nargs("+")
        .help("ids of the pipelines the installation runs (files of the pipelines folder)");
    subparser
        .addArgument("-o", "--out")
        .metavar("FILE")
        .help("write the values to FILE instead of stdout");
    subparser
        .addArgument("--release")
        .setDefault("veil")
        .help("Helm release name in the printed command (default: veil)");
    subparser
        .addArgument("--namespace")
        .setDefault("veil")
        .help("Kubernetes namespace in the printed command (default: veil)");
    subparser
        .addArgument("--chart")
        .setDefault("./helm/veil-agent")
        .help("chart reference in the printed command (default: ./helm/veil-agent)");
  }

  @Override
  protected int execute(Namespace namespace, VeilConfiguration configuration) throws Exception {
    List<String> ids = namespace.getList("pipelines");
    PipelineSource source = configuration.getPipelines().build();
    Path directory = Path.of(configuration.getPipelines().getDirectory());
    // connection name -> "pipeline (source)", "pipeline (target)", …
    Map<String, List<String>> connections = new TreeMap<>();
    Map<String, JsonNode> specs = new LinkedHashMap<>();
    for (String id : ids) {
      PipelineSpec spec =
          source.find(id).orElseThrow(() -> new UnknownPipelineException(id, source.describe()));
      use(connections, spec.source().connection(), id + " (source)");
      use(connections, spec.target().connection(), id + " (target)");
      specs.put(id, rawSpec(directory, id));
    }
    for (String name : connections.keySet()) {
      if (!CHART_CONNECTION_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "connection '"
                + name
                + "': the chart accepts connection names of letters, digits, '-', '_' and '.'");
      }
    }
    String outFile = namespace.getString("out");
    String valuesName = outFile == null ? "veil-values.yaml" : outFile;
    String command =
        "helm upgrade --install "
            + namespace.getString("release")
            + " "
            + namespace.getString("chart")
            + " --namespace "
            + namespace.getString("namespace")
            + " --create-namespace --values "
            + valuesName;
    String values = render(ids, connections, specs, configuration, command);
    if (outFile == null) {
      out().print(values);
    } else {
      Files.writeString(Path.of(outFile), values, StandardCharsets.UTF_8);
      out().println("wrote " + outFile);
    }
    out().flush();
    console.err().println("Fill in every \"" + PLACEHOLDER + "\" in " + valuesName + ", then run:");
    console.err().println("  " + command);
    console.err().flush();
    return ExitException.OK;
  }

  private static void use(Map<String, List<String>> connections, String name, String usedBy) {
    connections.computeIfAbsent(name, n -> new ArrayList<>()).add(usedBy);
  }

  /** The pipeline's file as written (so the deployed spec is exactly the local one). */
  private JsonNode rawSpec(Path directory, String id) throws IOException {
    for (String extension : SPEC_EXTENSIONS) {
      Path file = directory.resolve(id + extension);
      if (Files.isRegularFile(file)) {
        return yaml.readTree(file.toFile());
      }
    }
    throw new UnknownPipelineException(id, "folder " + directory);
  }

  private String render(
      List<String> ids,
      Map<String, List<String>> connections,
      Map<String, JsonNode> specs,
      VeilConfiguration configuration,
      String command)
      throws IOException {
    String version = AgentVersion.get();
    StringBuilder b = new StringBuilder();
    b.append("# Values for the veil-agent Helm chart, pipelines: ")
        .append(String.join(", ", ids))
        .append('\n');
    b.append("# Fill in every \"")
        .append(PLACEHOLDER)
        .append("\" (the chart refuses to install")
        .append(" while one is left), then run:\n");
    b.append("#   ").append(command).append('\n');
    b.append("# Rotate a password: edit it here and run the same command; the workers restart with")
        .append(" it.\n");
    b.append("# Keep this file out of version control (it holds credentials), or use")
        .append(" connectionsExistingSecret.\n\n");

    b.append("image:\n");
    if (AgentVersion.isRelease(version)) {
      b.append("  # pinned: the agent version this file was made with\n");
      b.append("  tag: ").append(quote(version)).append('\n');
    } else {
      b.append(
          "  # pin the agent version you deploy (this file was made by a development build)\n");
      b.append("  tag: \"\"\n");
    }
    b.append('\n');

    b.append("temporal:\n");
    b.append("  # host:port of your Temporal frontend as seen from the cluster\n");
    b.append("  # (self-hosted: temporal-frontend.temporal.svc:7233; Temporal Cloud:")
        .append(" <namespace>.<account>.tmprl.cloud:7233)\n");
    b.append("  address: ").append(PLACEHOLDER).append(":7233\n");
    b.append("  namespace: ")
        .append(quote(configuration.getTemporal().getNamespace()))
        .append('\n');
    b.append("  # Temporal Cloud (mTLS): a Secret with tls.crt and tls.key, e.g.\n");
    b.append("  #   kubectl -n <namespace> create secret tls temporal-client-cert")
        .append(" --cert=client.pem --key=client.key\n");
    b.append("  tls:\n");
    b.append("    enabled: false\n");
    b.append("    existingSecret: \"\"\n\n");

    b.append("masking:\n");
    b.append("  # secret behind keyed rules (hash, email), at least 16 characters, e.g. the output")
        .append(" of: openssl rand -base64 32\n");
    b.append("  # changing it changes every pseudonym\n");
    b.append("  key: ").append(PLACEHOLDER).append("\n\n");

    b.append("# one entry per connection the pipelines use; rendered into a Secret\n");
    b.append("connections:\n");
    for (Map.Entry<String, List<String>> connection : connections.entrySet()) {
      b.append("  # used by ").append(String.join(", ", connection.getValue())).append('\n');
      b.append("  ").append(quote(connection.getKey())).append(":\n");
      b.append("    host: ").append(PLACEHOLDER).append('\n');
      b.append("    port: 5432\n");
      b.append("    database: ").append(PLACEHOLDER).append('\n');
      b.append("    user: ").append(PLACEHOLDER).append('\n');
      b.append("    password: ").append(PLACEHOLDER).append('\n');
      b.append("    # disable | allow | prefer | require | verify-ca | verify-full\n");
      b.append("    sslmode: require\n");
    }
    b.append('\n');

    b.append("# the pipelines, as in the local folder ")
        .append(configuration.getPipelines().getDirectory())
        .append('\n');
    b.append("pipelines:\n");
    b.append("  specs:\n");
    for (Map.Entry<String, JsonNode> spec : specs.entrySet()) {
      b.append("    ").append(quote(spec.getKey())).append(":\n");
      String body = yaml.writeValueAsString(spec.getValue());
      body.lines().forEach(line -> b.append("      ").append(line).append('\n'));
    }
    return b.toString();
  }

  /** A YAML scalar for a plain string (quoted only when YAML needs it). */
  private String quote(String value) throws IOException {
    return yaml.writeValueAsString(value).strip();
  }
}
