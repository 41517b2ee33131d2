package dev.veil.app.core;

import dev.veil.activities.config.ConfigActivitiesImpl;
import dev.veil.activities.config.PipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.executor.TaskExecutor;
import dev.veil.activities.RunActivities;
import java.util.ArrayList;
import java.util.List;
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
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that puts Veil on a Temporal worker: {@link PipelineRunWorkflowImpl} and the
 * activity implementations on task queue {@value Veil#TASK_QUEUE}. Used by {@code server}, {@code
 * worker}, {@code demo} and the tests.
 */
public final class VeilWorker implements Managed, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VeilWorker.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

  /**
   * How the worker polls.
   *
   * @param maxConcurrentActivities activity slots, all activity types together
   * @param maxConcurrentTasks table tasks streamed at once (a semaphore, see {@link
   *     BoundedTaskActivities})
   * @param devServer the frontend is the Java test server: sticky execution is disabled
   */
  public record Settings(int maxConcurrentActivities, int maxConcurrentTasks, boolean devServer) {}

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
    List<Object> activities = new ArrayList<>();
    activities.add(new ConfigActivitiesImpl(pipelines));
    activities.addAll(RunActivities.create(connections, executor, pgBinDir));
    activities.add(new ScanActivitiesImpl(connections));
    activities.add(reporting);
    return createWith(clients, settings, activities.toArray());
  }

  /**
   * A worker with the given activity implementations (tests pass fakes). A {@link TaskActivities}
   * among them is wrapped in the {@code maxConcurrentTasks} cap.
   */
  public static VeilWorker createWith(
      TemporalClients clients, Settings settings, Object... activities) {
    WorkerFactory factory = WorkerFactory.newInstance(clients.client());
    WorkerOptions.Builder options =
        WorkerOptions.newBuilder()
            .setMaxConcurrentActivityExecutionSize(settings.maxConcurrentActivities());
    if (settings.devServer()) {
      // The Java test server does not fail over sticky queues: without this a workflow stalls
      // after the worker that cached it dies (DESIGN §4).
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    Worker worker = factory.newWorker(Veil.TASK_QUEUE, options.build());
    if (java.util.Arrays.stream(activities).noneMatch(a -> a instanceof ReportingActivities)) {
      // offline: runs still schedule their reports, and this answers them at once
      activities = java.util.Arrays.copyOf(activities, activities.length + 1);
      activities[activities.length - 1] = new OfflineReportingActivities();
    }
    worker.registerWorkflowImplementationTypes(
        PipelineRunWorkflowImpl.class, PipelineWorkflowImpl.class, ScanWorkflowImpl.class);
    Object[] wrapped = new Object[activities.length];
    for (int i = 0; i < activities.length; i++) {
      wrapped[i] =
          activities[i] instanceof TaskActivities tasks
              ? new BoundedTaskActivities(tasks, settings.maxConcurrentTasks())
              : activities[i];
    }
    worker.registerActivitiesImplementations(wrapped);
    return new VeilWorker(factory, clients, settings);
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
        "worker polling task queue {} at {} namespace {} (activities {}, tasks {}, sticky {})",
        Veil.TASK_QUEUE,
        clients.address(),
        clients.namespace(),
        settings.maxConcurrentActivities(),
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
