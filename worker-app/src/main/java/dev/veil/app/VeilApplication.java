package dev.veil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.scrub.Scrubber;
import dev.veil.app.cli.CancelCommand;
import dev.veil.app.cli.TwinCommand;
import dev.veil.app.cli.ReportCommand;
import dev.veil.app.cli.CommandSupport;
import dev.veil.app.cli.Console;
import dev.veil.app.cli.Shutdown;
import dev.veil.app.cli.DemoCommand;
import dev.veil.app.cli.DevServerCommand;
import dev.veil.app.cli.DiagnosticsCommand;
import dev.veil.app.cli.RunTaskCommand;
import dev.veil.app.cli.RunsCommand;
import dev.veil.app.cli.ScanCommand;
import dev.veil.app.cli.StartCommand;
import dev.veil.app.cli.StatusCommand;
import dev.veil.app.cli.ValuesTemplateCommand;
import dev.veil.app.cli.VeilCheckCommand;
import dev.veil.app.cli.VeilCli;
import dev.veil.app.cli.VeilServerCommand;
import dev.veil.app.cli.WorkerCommand;
import dev.veil.activities.cloud.CloudApiClient;
import dev.veil.app.core.AgentVersion;
import dev.veil.app.core.CloudAgent;
import dev.veil.app.core.ConfigProblemReporter;
import dev.veil.app.core.PipelineReconciler;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.RunCanceller;
import dev.veil.app.core.RunStatusReader;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.metrics.PrometheusMetrics;
import dev.veil.app.core.VeilWorker;
import dev.veil.app.health.PostgresHealthCheck;
import dev.veil.app.health.TemporalHealthCheck;
import dev.veil.activities.cloud.RecentLogs;
import dev.veil.app.core.PipelineControl;
import dev.veil.app.core.RecentLogsAppender;
import dev.veil.app.resources.DashboardPageResource;
import dev.veil.app.resources.PipelineControlResource;
import dev.veil.app.resources.PipelinesResource;
import dev.veil.app.resources.RunHistoryResource;
import dev.veil.app.resources.RunsResource;
import dev.veil.app.resources.ReportsResource;
import dev.veil.app.core.RunReports;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jackson.Jackson;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code veil} agent and CLI: {@code server} (worker + REST API + health checks), {@code
 * worker}, {@code start}, {@code status}, {@code cancel}, {@code dev-server}, {@code demo}, {@code
 * check}. Every command takes {@code -c/--config FILE}; without it the configuration is {@code
 * $VEIL_CONFIG}, else {@code ./veil.yml}, else the bundled {@code veil-default.yml}, with {@code
 * ${VEIL_X:-default}} environment substitution.
 */
public class VeilApplication extends Application<VeilConfiguration> {

  private final ObjectMapper objectMapper = Jackson.newObjectMapper();
  private final Shutdown shutdown = new Shutdown();
  private volatile Console console = new Console(System.out, System.err, objectMapper);
  /** Commands that serve {@code /metrics}. */
  private static final java.util.Set<String> SERVING_COMMANDS = java.util.Set.of("server");

  /** Prefer {@link VeilMain}, the jar's entry point, which starts client commands faster. */
  public static void main(String[] args) throws Exception {
    VeilApplication app = new VeilApplication();
    int code = app.execute(System.out, System.err, args);
    // `server` returns with Jetty running; everything else is done when it returns.
    if (code != 0 || !app.shutdown.serving()) {
      System.exit(code);
    }
  }

  @Override
  public String getName() {
    return "veil";
  }

  @Override
  public void initialize(Bootstrap<VeilConfiguration> bootstrap) {
    // substitutes ${VEIL_*} itself, layer by layer, and layers a user file over the defaults
    bootstrap.setConfigurationSourceProvider(new VeilConfigurationSourceProvider());
    // commands receive what they use: the console, and the shutdown for those that wait
    bootstrap.addCommand(new WorkerCommand(console, shutdown));
    bootstrap.addCommand(new StartCommand(console));
    bootstrap.addCommand(new StatusCommand(console));
    bootstrap.addCommand(new RunsCommand(console));
    bootstrap.addCommand(new CancelCommand(console));
    bootstrap.addCommand(TwinCommand.rollback(console));
    bootstrap.addCommand(TwinCommand.cleanup(console));
    bootstrap.addCommand(new ReportCommand(console));
    bootstrap.addCommand(new DevServerCommand(console, shutdown));
    bootstrap.addCommand(new DemoCommand(console, shutdown));
    bootstrap.addCommand(new ValuesTemplateCommand(console));
    bootstrap.addCommand(new DiagnosticsCommand(console));
    bootstrap.addCommand(new RunTaskCommand(console));
    bootstrap.addCommand(new ScanCommand(console));
  }

  @Override
  protected void addDefaultCommands(Bootstrap<VeilConfiguration> bootstrap) {
    bootstrap.addCommand(new VeilServerCommand(this, shutdown));
    bootstrap.addCommand(new VeilCheckCommand(this, console));
  }

  /** The server: Temporal clients, the worker (unless disabled), REST resources, health checks. */
  @Override
  public void run(VeilConfiguration configuration, Environment environment) {
    TemporalClients clients = configuration.getTemporal().build();
    environment.lifecycle().manage(clients);
    environment
        .admin()
        .addServlet("prometheus", PrometheusMetrics.servlet())
        .addMapping(PrometheusMetrics.PATH);

    PipelineSource pipelines = configuration.pipelineSource();
    ConnectionRegistry connections = configuration.connectionRegistry();
    // the agent's recent log lines: failed runs' log tails for the dashboard and the cloud API
    RecentLogs recentLogs = new RecentLogs(CloudFactory.RECENT_LOG_LINES);
    RecentLogsAppender.install(recentLogs);
    Scrubber scrubber = configuration.getCloud().scrubber(configuration.secrets());
    VeilWorker worker = null;
    if (configuration.getWorker().isEnabled()) {
      worker =
          configuration
              .getWorker()
              .build(
                  clients,
                  configuration.getTemporal().isDevServer(),
                  pipelines,
                  connections,
                  configuration
                      .getExecutor()
                      .build(connections, configuration.getMasking().build().orElse(null),
                        configuration.deliveryStorageRegistry()),
                  configuration
                      .getCloud()
                      .reporting(configuration.getCloud().build(), recentLogs, scrubber),
                  configuration.getMasking(),
                  configuration.getPostgres().getBinDir(),
                  configuration.deliveryStorageRegistry());
      environment.lifecycle().manage(worker);
    }

    PipelineReconciler reconciler =
        manageReconciler(configuration, environment, clients, pipelines, worker);
    environment.jersey().register(configuration.apiGuard());
    AdminGuard.install(environment, configuration.isRuntimeLogLevelChanges());
    environment
        .jersey()
        .register(
            new PipelineControlResource(
                new PipelineControl(clients.client(), pipelines), reconciler, recentLogs, scrubber));
    environment.jersey().register(new DashboardPageResource());
    environment
        .jersey()
        .register(
            new RunHistoryResource(
                new PipelineControl(clients.client(), pipelines), new RunStatusReader(clients)));

    RunStatusReader reader = new RunStatusReader(clients);
    environment
        .jersey()
        .register(
            new PipelinesResource(pipelines, new PipelineRunStarter(clients.client(), pipelines)));
    environment
        .jersey()
        .register(new RunsResource(reader, new RunCanceller(clients.client(), reader)));
    environment
        .jersey()
        .register(new ReportsResource(new RunReports(clients.client())));

    environment.healthChecks().register("temporal", new TemporalHealthCheck(clients));
    configuration
        .connectionSettings()
        .forEach(
            (name, settings) ->
                environment
                    .healthChecks()
                    .register("postgres:" + name, new PostgresHealthCheck(name, settings)));
  }

  /**
   * One pipeline workflow per config ({@link PipelineReconciler}, every {@code
   * cloud.refreshInterval}); with {@code cloud.url} set, also the heartbeat and config-problem
   * events ({@link CloudAgent}).
   */
  private static PipelineReconciler manageReconciler(
      VeilConfiguration configuration,
      Environment environment,
      TemporalClients clients,
      PipelineSource pipelines,
      VeilWorker worker) {
    CloudFactory cloud = configuration.getCloud();
    java.time.Duration interval =
        java.time.Duration.ofMillis(cloud.getRefreshInterval().toMilliseconds());
    AtomicReference<PipelineReconciler> reconciler = new AtomicReference<>();
    ConfigProblemReporter reporter =
        (id, problems) -> {}; // offline: the reconciler logs the problems itself
    Optional<CloudApiClient> api = cloud.build();
    if (api.isPresent()) {
      CloudAgent agent =
          new CloudAgent(
              api.get(),
              cloud.getAgentId(),
              java.time.Duration.ofMillis(cloud.getHeartbeatInterval().toMilliseconds()),
              () -> worker == null || worker.isStarted(),
              () -> reconciler.get() == null ? 0 : reconciler.get().pipelineCount());
      reporter = agent;
      environment.lifecycle().manage(agent);
    }
    reconciler.set(
        new PipelineReconciler(clients.client(), pipelines, reporter, interval, api.isPresent()));
    environment.lifecycle().manage(reconciler.get());
    return reconciler.get();
  }

  /** Runs a command line the way {@code main} does, but exits the JVM only on failure. */
  @Override
  public void run(String... arguments) throws Exception {
    int code = execute(System.out, System.err, arguments);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs a command line with the given output streams and returns its exit code instead of exiting
   * (the CLI tests use this). Every command runs here, client commands included (through
   * Dropwizard's bootstrap); {@link VeilMain} runs those without it.
   */
  public int execute(PrintStream stdout, PrintStream stderr, String... arguments) {
    this.console = new Console(stdout, stderr, objectMapper);
    Bootstrap<VeilConfiguration> bootstrap = new Bootstrap<>(this);
    addDefaultCommands(bootstrap);
    initialize(bootstrap);
    // as Application.run does: JVM metrics for /metrics, but only where they are served (JMX and
    // the metric sets cost a client command a good part of its start-up)
    if (arguments.length > 0 && SERVING_COMMANDS.contains(arguments[0])) {
      bootstrap.registerMetrics();
    }
    return new VeilCli(bootstrap.getCommands(), AgentVersion.get(), stdout, stderr)
        .run((command, namespace) -> command.run(bootstrap, namespace), arguments);
  }

  /** Ends a command waiting for shutdown ({@code worker}, {@code dev-server}; tests). */
  public void requestShutdown() {
    shutdown.request();
  }
}
