package dev.veil.app.core;

import dev.veil.activities.config.ConfigActivitiesImpl;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.executor.TaskExecutor;
import dev.veil.activities.RunActivities;
import dev.veil.activities.delivery.DeliveryStorages;
import dev.veil.activities.rules.MaskingKey;
import java.util.ArrayList;
import java.util.List;
import dev.veil.activities.metrics.MeteredReportingActivities;
import dev.veil.activities.metrics.RunMetrics;
import dev.veil.activities.scan.ScanActivitiesImpl;
import dev.veil.workflows.Veil;
import dev.veil.activities.cloud.OfflineReportingActivities;
import dev.veil.workflows.activities.ReportingActivities;
import dev.veil.workflows.activities.TaskActivities;
import dev.veil.workflows.pipeline.PipelineWorkflowImpl;
import dev.veil.workflows.run.PipelineRunWorkflowImpl;
import dev.veil.workflows.scan.ScanWorkflowImpl;
import io.dropwizard.lifecycle.Managed;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that puts Veil on a Temporal worker: {@link PipelineRunWorkflowImpl}, the other
 * workflows and the short activities on task queue {@value Veil#TASK_QUEUE}, the table-task
 * activity on {@value Veil#TABLE_TASK_QUEUE} with as many slots as this worker may stream chunks at
 * once. A chunk no worker has room for waits in Temporal, where any free worker takes it. Used by
 * {@code server}, {@code worker}, {@code demo} and the tests.
 */
public final class VeilWorker implements Managed, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VeilWorker.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

  /**
   * How the worker polls.
   *
   * @param maxConcurrentActivities activity slots on {@value Veil#TASK_QUEUE} (the short
   *     activities: config, planning, staging, swap, reporting)
   * @param maxConcurrentTasks activity slots on {@value Veil#TABLE_TASK_QUEUE}: table chunks this
   *     worker streams at once (an executor that knows its own cap overrides it, see {@link
   *     TaskExecutor#maxConcurrentTasks()})
   * @param devServer the frontend is the Java test server: sticky execution is disabled
   * @param tasksOnly poll only {@value Veil#TABLE_TASK_QUEUE} (a task-only worker that scales on
   *     the chunk backlog)
   */
  public record Settings(
      int maxConcurrentActivities, int maxConcurrentTasks, boolean devServer, boolean tasksOnly) {

    /** A worker that polls both queues. */
    public Settings(int maxConcurrentActivities, int maxConcurrentTasks, boolean devServer) {
      this(maxConcurrentActivities, maxConcurrentTasks, devServer, false);
    }

    /** The same, with {@code maxConcurrentTasks} slots on the table-task queue. */
    public Settings withMaxConcurrentTasks(int maxConcurrentTasks) {
      return new Settings(maxConcurrentActivities, maxConcurrentTasks, devServer, tasksOnly);
    }

    /** The same, polling only the table-task queue. */
    public Settings asTasksOnly() {
      return new Settings(maxConcurrentActivities, maxConcurrentTasks, devServer, true);
    }
  }

  private final WorkerFactory factory;
  private final TemporalClients clients;
  private final Settings settings;

  private VeilWorker(WorkerFactory factory, TemporalClients clients, Settings settings) {
    this.factory = factory;
    this.clients = clients;
    this.settings = settings;
  }

  /** A worker with Veil's real activities, built from the agent's configuration. */
  public static VeilWorker create(
      TemporalClients clients,
      Settings settings,
      PipelineSource pipelines,
      ConnectionRegistry connections,
      TaskExecutor executor) {
    return create(
        clients, settings, pipelines, connections, executor, new OfflineReportingActivities());
  }

  /** A worker with Veil's real activities, reporting runs through {@code reporting}. */
  public static VeilWorker create(
      TemporalClients clients,
      Settings settings,
      PipelineSource pipelines,
      ConnectionRegistry connections,
      TaskExecutor executor,
      ReportingActivities reporting) {
    return create(clients, settings, pipelines, connections, executor, reporting, null);
  }

  /**
   * A worker with Veil's real activities, reporting runs through {@code reporting}, finding
   * pg_dump and pg_restore in {@code pgBinDir} (null: {@code VEIL_PG_BIN}, then PATH).
   */
  public static VeilWorker create(
      TemporalClients clients,
      Settings settings,
      PipelineSource pipelines,
      ConnectionRegistry connections,
      TaskExecutor executor,
      ReportingActivities reporting,
      String pgBinDir) {
    return create(clients, settings, pipelines, connections, executor, reporting, pgBinDir, null,
        null, DeliveryStorages.none());
  }

  /**
   * A worker with Veil's real activities whose privacy reports name {@code maskingKey} by its
   * fingerprint and are signed with {@code reportKey} (null: derived from the masking key; both
   * null: unsigned), and the delivery storages that delivery runs write to.
   */
  public static VeilWorker create(
      TemporalClients clients,
      Settings settings,
      PipelineSource pipelines,
      ConnectionRegistry connections,
      TaskExecutor executor,
      ReportingActivities reporting,
      String pgBinDir,
      MaskingKey maskingKey,
      byte[] reportKey,
      DeliveryStorages storages) {
    Settings slots =
        settings.withMaxConcurrentTasks(
            executor.maxConcurrentTasks().orElse(settings.maxConcurrentTasks()));
    List<Object> activities = new ArrayList<>();
    activities.add(new ConfigActivitiesImpl(pipelines));
    activities.addAll(RunActivities.create(connections, executor, pgBinDir, maskingKey,
        reportKey, storages));
    activities.add(new ScanActivitiesImpl(connections));
    activities.add(reporting);
    return createWith(clients, slots, activities.toArray());
  }

  /**
   * A worker with the given activity implementations (tests pass fakes). A {@link TaskActivities}
   * among them goes on the table-task queue, the others on the main queue.
   */
  public static VeilWorker createWith(
      TemporalClients clients, Settings settings, Object... activities) {
    // every activity logs with the pipeline and run in its MDC (fields of their own in JSON logs);
    // runs are counted around the run workflow
    WorkerFactory factory =
        WorkerFactory.newInstance(
            clients.client(),
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(
                    new RunMdcInterceptor(), new RunMetricsInterceptor(RunMetrics.global()))
                .build());
    List<Object> tasks = new ArrayList<>();
    List<Object> others = new ArrayList<>();
    for (Object activity : activities) {
      if (activity instanceof TaskActivities) {
        tasks.add(activity);
      } else if (activity instanceof ReportingActivities reporting) {
        // every run reports its start and end (offline too): that is where runs are counted
        others.add(new MeteredReportingActivities(reporting, RunMetrics.global()));
      } else {
        others.add(activity);
      }
    }
    factory
        .newWorker(Veil.TABLE_TASK_QUEUE, options(settings, settings.maxConcurrentTasks()))
        .registerActivitiesImplementations(tasks.toArray());
    if (!settings.tasksOnly()) {
      Worker worker =
          factory.newWorker(Veil.TASK_QUEUE, options(settings, settings.maxConcurrentActivities()));
      if (others.stream().noneMatch(a -> a instanceof ReportingActivities)) {
        // offline: runs still schedule their reports, and this answers them at once
        others.add(
            new MeteredReportingActivities(new OfflineReportingActivities(), RunMetrics.global()));
      }
      worker.registerWorkflowImplementationTypes(
          PipelineRunWorkflowImpl.class, PipelineWorkflowImpl.class, ScanWorkflowImpl.class);
      worker.registerActivitiesImplementations(others.toArray());
    }
    return new VeilWorker(factory, clients, settings);
  }

  private static WorkerOptions options(Settings settings, int activitySlots) {
    WorkerOptions.Builder options =
        WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(activitySlots);
    if (settings.devServer()) {
      // The Java test server does not fail over sticky queues: without this a workflow stalls
      // after the worker that cached it dies (DESIGN §4).
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    return options.build();
  }

  /**
   * Starts polling, after checking that Temporal is reachable so that a wrong address fails the
   * start with a clear message instead of a worker that silently polls nothing.
   */
  @Override
  public void start() {
    clients.checkReachable();
    factory.start();
    log.info(
        "worker polling task queues {} at {} namespace {} (activities {}, tasks {}, sticky {})",
        settings.tasksOnly() ? Veil.TABLE_TASK_QUEUE : Veil.TASK_QUEUE + "," + Veil.TABLE_TASK_QUEUE,
        clients.address(),
        clients.namespace(),
        settings.tasksOnly() ? 0 : settings.maxConcurrentActivities(),
        settings.maxConcurrentTasks(),
        settings.devServer() ? "off" : "on");
  }

  /** Stops polling and lets running activities finish for a short grace period. */
  @Override
  public void stop() {
    close();
  }

  @Override
  public void close() {
    if (factory.isShutdown()) {
      return;
    }
    factory.shutdown();
    factory.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    if (!factory.isTerminated()) {
      log.warn(
          "worker did not stop within {}s, interrupting running activities",
          SHUTDOWN_GRACE.toSeconds());
      factory.shutdownNow();
    }
    log.info("worker stopped");
  }

  public boolean isStarted() {
    return factory.isStarted();
  }
}
