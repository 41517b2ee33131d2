package dev.veil.activities.testing;

import dev.veil.activities.db.ConnectionSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second PostgreSQL cluster on another port, streaming from the test server as a hot standby
 * ({@code pg_basebackup -R}, then {@code pg_ctl start}), for tests that read from a standby. It
 * needs the server's binaries, the {@code postgres} OS user (the cluster cannot run as root) and a
 * replication entry in the test server's {@code pg_hba.conf} ({@code .ci/run} adds one); {@link
 * #start} says why when one of them is missing.
 */
public final class Standby implements AutoCloseable {

  private final Path dir;
  private final Path bin;
  private final int port;

  private Standby(Path dir, Path bin, int port) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
  }

  /**
   * Starts a hot standby of the test server.
   *
   * @throws IllegalStateException naming what is missing when one cannot be set up here
   */
  public static Standby start() throws Exception {
    int major;
    try (Connection c = TestPostgres.admin();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
      rs.next();
      major = rs.getInt(1);
    }
    Path bin = Path.of("/usr/lib/postgresql/" + major + "/bin");
    if (!Files.isExecutable(bin.resolve("pg_ctl")) || !Files.isExecutable(bin.resolve("pg_basebackup"))) {
      throw new IllegalStateException("no PostgreSQL " + major + " server binaries in " + bin);
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
      throw new IllegalStateException("runuser is missing (the standby must run as user postgres)");
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException("setting up a standby needs root (to run it as postgres)");
    }
    Path dir = Files.createTempDirectory("veil-standby-");
    run(List.of("chown", "postgres", dir.toString()));
    run(List.of("chmod", "700", dir.toString()));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Standby standby = new Standby(dir, bin, port);
    try {
      asPostgres(List.of(bin.resolve("pg_basebackup").toString(), "-D", dir.resolve("data").toString(),
          "-R", "-X", "stream", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres"));
      // Debian keeps a cluster's configuration outside its data directory: give this one its own
      Files.writeString(dir.resolve("data/postgresql.conf"), "");
      Files.writeString(dir.resolve("data/pg_hba.conf"),
          "local all all trust\nhost all all 127.0.0.1/32 trust\n");
      run(List.of("chown", "postgres", dir.resolve("data/postgresql.conf").toString(),
          dir.resolve("data/pg_hba.conf").toString()));
      asPostgres(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
          "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
              + dir + " -c hot_standby=on",
          "-l", dir.resolve("log").toString(), "-w", "-t", "120", "start"));
      try (Connection c = DriverManager.getConnection(
              "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new IllegalStateException("the second cluster is not in recovery");
        }
      }
      return standby;
    } catch (Exception e) {
      standby.close();
      throw e;
    }
  }

  /** Settings that reach {@code database} on the standby. */
  public ConnectionSettings settings(String database) {
    return new ConnectionSettings(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", null, Map.of());
  }

  /** Waits until the standby has replayed everything the primary has written so far. */
  public void catchUp() throws SQLException, InterruptedException {
    String lsn;
    try (Connection c = TestPostgres.admin();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      rs.next();
      lsn = rs.getString(1);
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try (Connection c = DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres")) {
      while (true) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(
                "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn")) {
          rs.next();
          if (rs.getBoolean(1)) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the standby did not catch up within 2 minutes");
        }
        Thread.sleep(50);
      }
    }
  }

  @Override
  public void close() throws Exception {
    if (Files.exists(dir.resolve("data/postmaster.pid"))) {
      asPostgres(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
          "-m", "immediate", "-w", "stop"));
    }
    run(List.of("rm", "-rf", dir.toString()));
  }

  private static void asPostgres(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    full.addAll(command);
    run(full);
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(command.get(0) + " did not finish");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
    }
  }
}
