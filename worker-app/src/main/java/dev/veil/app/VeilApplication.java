package dev.veil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.scrub.Scrubber;
import dev.veil.app.cli.CancelCommand;
import dev.veil.app.cli.CommandSupport;
import dev.veil.app.cli.DemoCommand;
import dev.veil.app.cli.DevServerCommand;
import dev.veil.app.cli.DiagnosticsCommand;
import dev.veil.app.cli.RunTaskCommand;
import dev.veil.app.cli.ScanCommand;
import dev.veil.app.cli.StartCommand;
import dev.veil.app.cli.StatusCommand;
import dev.veil.app.cli.ValuesTemplateCommand;
import dev.veil.app.cli.VeilCheckCommand;
import dev.veil.app.cli.VeilServerCommand;
import dev.veil.app.cli.WorkerCommand;
import dev.veil.activities.cloud.CloudApiClient;
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
import dev.veil.app.resources.ApiTokenFilter;
import dev.veil.app.resources.PipelineControlResource;
import dev.veil.app.resources.PipelinesResource;
import dev.veil.app.resources.RunsResource;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.util.JarLocation;
import java.io.PrintStream;
import org.slf4j.LoggerFactory;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code veil} agent and CLI: {@code server} (worker + REST API + health checks), {@code
 * worker}, {@code start}, {@code status}, {@code cancel}, {@code dev-server}, {@code demo}, {@code
 * check}. Every command takes {@code -c/--config FILE}; without it the configuration is {@code
 * $VEIL_CONFIG}, else {@code ./veil.yml}, else the bundled {@code veil-default.yml}, with {@code
 * ${VEIL_X:-default}} environment substitution.
 */
public class VeilApplication extends Application<VeilConfiguration> {

  private volatile PrintStream out = System.out;
  private volatile PrintStream err = System.err;
  private volatile boolean serving;
  private final CountDownLatch shutdownRequested = new CountDownLatch(1);
  private final ObjectMapper objectMapper = Jackson.newObjectMapper();

  public static void main(String[] args) throws Exception {
    VeilApplication app = new VeilApplication();
    int code = app.execute(System.out, System.err, args);
    // `server` returns with Jetty running; everything else is done when it returns.
    if (code != 0 || !app.serving) {
      System.exit(code);
    }
  }

  @Override
  public String getName() {
    return "veil";
  }

  @Override
  public void initialize(Bootstrap<VeilConfiguration> bootstrap) {
    bootstrap.setConfigurationSourceProvider(
        new SubstitutingSourceProvider(
            new VeilConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    bootstrap.addCommand(new WorkerCommand(this));
    bootstrap.addCommand(new StartCommand(this));
    bootstrap.addCommand(new StatusCommand(this));
    bootstrap.addCommand(new CancelCommand(this));
    bootstrap.addCommand(new DevServerCommand(this));
    bootstrap.addCommand(new DemoCommand(this));
    bootstrap.addCommand(new ValuesTemplateCommand(this));
    bootstrap.addCommand(new DiagnosticsCommand(this));
    bootstrap.addCommand(new RunTaskCommand(this));
    bootstrap.addCommand(new ScanCommand(this));
  }

  @Override
  protected void addDefaultCommands(Bootstrap<VeilConfiguration> bootstrap) {
    bootstrap.addCommand(new VeilServerCommand(this));
    bootstrap.addCommand(new VeilCheckCommand(this));
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
                      .build(connections, configuration.getMasking().build().orElse(null)),
                  configuration
                      .getCloud()
                      .reporting(configuration.getCloud().build(), recentLogs, scrubber));
      environment.lifecycle().manage(worker);
    }

    PipelineReconciler reconciler =
        manageReconciler(configuration, environment, clients, pipelines, worker);
    if (configuration.getApi().isAuthenticated()) {
      environment.jersey().register(new ApiTokenFilter(configuration.getApi().getToken()));
    } else {
      LoggerFactory.getLogger(VeilApplication.class)
          .warn("REST API without authentication: set api.token (VEIL_API_TOKEN) before binding"
              + " it beyond loopback");
    }
    environment
        .jersey()
        .register(
            new PipelineControlResource(
                new PipelineControl(clients.client(), pipelines), reconciler, recentLogs, scrubber));
    environment.jersey().register(new DashboardPageResource());

    RunStatusReader reader = new RunStatusReader(clients);
    environment
        .jersey()
        .register(
            new PipelinesResource(pipelines, new PipelineRunStarter(clients.client(), pipelines)));
    environment
        .jersey()
        .register(new RunsResource(reader, new RunCanceller(clients.client(), reader)));

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
   * (the CLI tests use this).
   */
  public int execute(PrintStream stdout, PrintStream stderr, String... arguments) {
    this.out = stdout;
    this.err = stderr;
    Bootstrap<VeilConfiguration> bootstrap = new Bootstrap<>(this);
    addDefaultCommands(bootstrap);
    initialize(bootstrap);
    // as Application.run does: JVM metrics for the server's /metrics
    bootstrap.registerMetrics();
    if (arguments.length == 0) {
      printUsage(bootstrap, stdout);
      return 0;
    }
    Cli cli = new Cli(new JarLocation(getClass()), bootstrap, stdout, stderr);
    Optional<Throwable> error = cli.run(arguments);
    stdout.flush();
    stderr.flush();
    return error.map(CommandSupport::exitCode).orElse(0);
  }

  private static void printUsage(Bootstrap<VeilConfiguration> bootstrap, PrintStream out) {
    out.println("usage: veil COMMAND [-c FILE] [options]      veil COMMAND -h shows its options");
    out.println();
    out.println("commands:");
    bootstrap.getCommands().stream()
        .sorted(java.util.Comparator.comparing(Command::getName))
        .forEach(
            c ->
                out.printf(java.util.Locale.ROOT, "  %-11s %s%n", c.getName(), c.getDescription()));
    out.println();
    out.println(
        "configuration: -c FILE, else $VEIL_CONFIG, else ./veil.yml, else the bundled"
            + " veil-default.yml (${VEIL_*} environment variables fill it in)");
    out.flush();
  }

  /** Where commands print their output. */
  public PrintStream out() {
    return out;
  }

  /** Where commands print problems. */
  public PrintStream err() {
    return err;
  }

  public ObjectMapper objectMapper() {
    return objectMapper;
  }

  /** Called by {@code server} once Jetty runs: {@code main} must not exit then. */
  public void markServing() {
    serving = true;
  }

  /**
   * Blocks until the JVM is asked to stop (SIGTERM, Ctrl-C) or {@link #requestShutdown()} is
   * called, then runs {@code cleanup} once.
   */
  public void awaitShutdown(Runnable cleanup) throws InterruptedException {
    AtomicBoolean done = new AtomicBoolean();
    Runnable once =
        () -> {
          if (done.compareAndSet(false, true)) {
            cleanup.run();
          }
        };
    Thread hook =
        new Thread(
            () -> {
              once.run();
              shutdownRequested.countDown();
            },
            "veil-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      shutdownRequested.await();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook runs (or ran) the cleanup
      }
      once.run();
    }
  }

  /** Ends a command waiting in {@link #awaitShutdown} (tests; the JVM's own hook otherwise). */
  public void requestShutdown() {
    shutdownRequested.countDown();
  }
}
