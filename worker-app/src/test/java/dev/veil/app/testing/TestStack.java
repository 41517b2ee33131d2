package dev.veil.app.testing;

import dev.veil.activities.db.ConnectionSettings;
import dev.veil.activities.demo.DemoDatabase;
import dev.veil.activities.testing.TestPostgres;
import dev.veil.temporaldev.DevTemporalServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What the real-server tests run against: a port-bound Temporal dev server on a free port, a source
 * database filled with the demo's fake shop data and an empty target database (fresh ones per test
 * class, from {@link TestPostgres}), a pipelines folder with a valid {@code shop} and an invalid
 * {@code broken} pipeline, and a {@code veil.yml} that points at all of it.
 */
public final class TestStack implements AutoCloseable {

  public static final int CUSTOMERS = 300;
  public static final int ORDERS = 600;
  public static final String MASKING_KEY = "test-masking-key-0123456789";

  public final DevTemporalServer temporal;
  public final ConnectionSettings source;
  public final ConnectionSettings target;
  public final Path directory;
  public final Path pipelines;
  public final Path config;

  public TestStack(String name) {
    try {
      temporal = DevTemporalServer.start(0);
      source = TestPostgres.createDatabase(name + "_src");
      target = TestPostgres.createDatabase(name + "_dst");
      try (Connection c = TestPostgres.connect(source)) {
        DemoDatabase.populate(c, CUSTOMERS, ORDERS, 7);
      }
      directory = Files.createTempDirectory("veil-" + name);
      pipelines = Files.createDirectories(directory.resolve("pipelines"));
      Files.writeString(pipelines.resolve("shop.yaml"), SHOP);
      Files.writeString(pipelines.resolve("broken.yaml"), BROKEN);
      config = directory.resolve("veil.yml");
      Files.writeString(config, config(0, 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot fill the test source database", e);
    }
  }

  /** The configuration text; HTTP ports as given (0: any free port). */
  public String config(int httpPort, int adminPort) {
    return """
           temporal:
             address: %s
             devServer: true
             rpcTimeout: 5s
           worker:
             maxConcurrentActivities: 8
             maxConcurrentTasks: 2
           pipelines:
             directory: %s
           masking:
             key: %s
           connections:
             test-source:
               url: %s
               user: %s
             test-target:
               url: %s
               user: %s
             unreachable:
               url: jdbc:postgresql://127.0.0.1:1/nothing
               user: nobody
               password: s3cret-password-never-shown
           server:
             applicationConnectors:
               - type: http
                 bindHost: 127.0.0.1
                 port: %d
             adminConnectors:
               - type: http
                 bindHost: 127.0.0.1
                 port: %d
           logging:
             level: INFO
             loggers:
               io.temporal: WARN
               org.eclipse.jetty: WARN
           """
        .formatted(
            temporal.address(),
            pipelines,
            MASKING_KEY,
            source.url(),
            source.user(),
            target.url(),
            target.user(),
            httpPort,
            adminPort);
  }

  /** The demo's rules, on the test connections. */
  static final String SHOP =
      """
      id: shop
      maxActiveTasks: 2
      source:
        connection: test-source
        schemas: [public]
      target:
        connection: test-target
      tables:
        include:
          - public.*
      rules:
        public.customers.email: {rule: email}
        public.customers.first_name: {rule: replacement, value: Jane}
        public.customers.last_name: {rule: hash, length: 12}
        public.customers.phone: {rule: random_string, length: 10}
        public.customers.street: {rule: null}
        public.orders.customer_email: {rule: email}
        public.orders.shipping_address: {rule: null}
      """;

  static final String BROKEN =
      """
      id: broken
      source:
        connection: test-source
      target:
        connection: test-target
      rules:
        public.customers.email: {rule: no_such_rule}
      """;

  @Override
  public void close() {
    temporal.close();
    TestPostgres.dropDatabase(source);
    TestPostgres.dropDatabase(target);
  }
}
