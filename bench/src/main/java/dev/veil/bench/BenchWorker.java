package dev.veil.bench;

import dev.veil.activities.config.LocalFolderPipelineSource;
import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.executor.LocalTaskExecutor;
import dev.veil.activities.rules.MaskingKey;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.VeilWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The worker process of the benchmark: the agent's own {@link VeilWorker}, in a JVM of its own so
 * that its heap limit and resident memory are its own: {@code BenchWorker <temporal> <source url>
 * <target url> <user> <password> <pipelines dir>}. Prints {@code READY} once polling.
 */
public final class BenchWorker {

  private BenchWorker() {}

  public static void main(String[] args) throws Exception {
    String password = args[4].isEmpty() ? null : args[4];
    ConnectionRegistry registry =
        new ConnectionRegistry(
            Map.of(
                "bench-source", new ConnectionSettings(args[1], args[3], password, Map.of()),
                "bench-target", new ConnectionSettings(args[2], args[3], password, Map.of())));
    TemporalClients clients = TemporalClients.connect(args[0], "default", Duration.ofSeconds(10));
    VeilWorker worker =
        VeilWorker.create(
            clients,
            new VeilWorker.Settings(16, 4, true),
            new LocalFolderPipelineSource(Path.of(args[5])),
            registry,
            new LocalTaskExecutor(registry, MaskingKey.random()));
    worker.start();
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join();
  }
}
