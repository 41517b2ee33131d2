package dev.veil.bench;

import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How long a client command takes as a user runs it: the wall time of {@code ./veil status} (the
 * script, the JVM, configuration, one round trip to a Temporal dev server asking for a run that
 * does not exist), median of 10 runs after one warm-up, against an anchor measured in the same
 * run on the same machine: {@code java -version}, the cheapest JVM start there is. The ratio is
 * what to compare across machines.
 */
public final class CliBench {

  private static final int RUNS = 10;

  private CliBench() {}

  public static void main(String[] args) throws Exception {
    int runs = RUNS;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--runs")) {
        runs = Integer.parseInt(args[++i]);
      } else {
        System.err.println("usage: bench/run cli [--runs 10]");
        System.exit(2);
      }
    }
    Path root = Path.of("").toAbsolutePath();
    Path veil = root.resolve("veil");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path dir = Files.createTempDirectory("veil-cli-bench");
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, false)) {
      List<String> status = List.of(veil.toString(), "status", "veil-run-bench-none");
      String address = "127.0.0.1:" + port;
      // warm-up: builds the jar and its class-data archive if they are stale
      String first = run(status, dir, address);
      if (!first.contains("no run veil-run-bench-none")) {
        throw new IllegalStateException("veil status did not reach Temporal: " + first);
      }
      double[] veilTimes = new double[runs];
      double[] anchorTimes = new double[runs];
      for (int i = 0; i < runs; i++) {
        // interleaved, so that a busy moment of the machine hits both alike
        veilTimes[i] = timed(status, dir, address);
        anchorTimes[i] = timed(List.of(java, "-version"), dir, address);
      }
      double veilMedian = median(veilTimes);
      double anchorMedian = median(anchorTimes);
      System.out.printf(Locale.ROOT, "veil status     median %.2f s of %d runs (min %.2f, max %.2f)%n",
          veilMedian, runs, Arrays.stream(veilTimes).min().orElse(0),
          Arrays.stream(veilTimes).max().orElse(0));
      System.out.printf(Locale.ROOT, "java -version   median %.2f s (anchor)%n", anchorMedian);
      System.out.printf(Locale.ROOT, "ratio           %.1fx the anchor%n", veilMedian / anchorMedian);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double timed(List<String> command, Path dir, String address) throws Exception {
    long t0 = System.nanoTime();
    run(command, dir, address);
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Runs a command in {@code dir} (no veil.yml there: the bundled configuration); its output. */
  private static String run(List<String> command, Path dir, String address)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile());
    builder.environment().remove("VEIL_CONFIG");
    builder.environment().put("VEIL_TEMPORAL_ADDRESS", address);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
