package dev.veil.activities.schema;

import dev.veil.activities.scrub.Scrubber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs pg_dump or pg_restore to completion or until a timeout, with the password only in the
 * child's environment. stderr goes to a temporary file (no pipe to drain, no deadlock) and, on
 * failure, into the exception: its last {@value #STDERR_TAIL} characters, scrubbed of secrets
 * and row values ({@link #scrub}).
 */
final class ToolRun {

  /** Enough for the error and the statement that failed; a long run's notices are dropped. */
  static final int STDERR_TAIL = 4000;

  private ToolRun() {}

  /**
   * @param tool {@code pg_dump} or {@code pg_restore}, for messages
   * @param command the command line (no secret in it)
   * @param connection where the child connects, or null (the password goes to its environment)
   * @param stdout where stdout goes, or null to discard it
   * @param timeout the longest the tool may run; it is then killed with its children
   * @param doing what the tool was doing, for the message ("dumping the schema of …")
   */
  static void run(
      String tool,
      List<String> command,
      LibpqConnection connection,
      Path stdout,
      Duration timeout,
      String doing) {
    Scrubber scrubber = new Scrubber();
    Path stderr = null;
    Process process = null;
    try {
      stderr = Files.createTempFile("veil-" + tool + "-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectError(stderr.toFile())
              .redirectOutput(
                  stdout == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdout.toFile()));
      if (connection != null) {
        connection.applyTo(builder.environment());
        scrubber.secret(connection.password());
      }
      process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new SchemaToolException(
            tool, -1, true,
            tool + " did not finish within " + timeout + " while " + doing + " and was killed"
                + detail(scrubber, stderr));
      }
      int exit = process.exitValue();
      if (exit != 0) {
        throw new SchemaToolException(
            tool, exit, false,
            tool + " failed (exit code " + exit + ") while " + doing + detail(scrubber, stderr));
      }
    } catch (IOException e) {
      throw new SchemaToolException(
          tool, -1, false, "cannot run " + tool + " while " + doing + ": " + scrubber.scrub(e.getMessage()));
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new SchemaToolException(tool, -1, false, tool + " was interrupted while " + doing);
    } finally {
      if (stderr != null) {
        try {
          Files.deleteIfExists(stderr);
        } catch (IOException ignored) {
          // a temporary file with a schema error in it; nothing secret
        }
      }
    }
  }

  /** Kills the tool and its children (pg_restore -j forks workers). */
  private static void kill(Process process) {
    if (process != null) {
      // the children as they are now, then the parent first: killed after its children, a
      // parent could still act on their death before its own
      List<ProcessHandle> children = process.descendants().toList();
      process.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String detail(Scrubber scrubber, Path stderr) throws IOException {
    String text = new String(Files.readAllBytes(stderr), StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return "";
    }
    if (text.length() > STDERR_TAIL) {
      text = "…" + text.substring(text.length() - STDERR_TAIL);
    }
    return ": " + scrub(scrubber, text);
  }

  /**
   * Secrets out of every line; row values out of the lines that carry them. Post-data runs after
   * the load, so a unique index or foreign key that fails reports the offending row's key in its
   * {@code DETAIL} ({@code Key (email)=(…) is duplicated}) and a failed statement may quote data in
   * its {@code CONTEXT}: those lines lose every value ({@link Scrubber#scrubLog}). The other lines
   * keep their quoted object names, which say what failed.
   */
  static String scrub(Scrubber scrubber, String stderr) {
    StringBuilder out = new StringBuilder();
    for (String line : stderr.split("\\R", -1)) {
      String trimmed = line.stripLeading();
      boolean mayCarryValues =
          trimmed.startsWith("DETAIL:") || trimmed.startsWith("CONTEXT:") || trimmed.contains("Key (");
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(mayCarryValues ? scrubber.scrubLog(line) : scrubber.scrub(line));
    }
    return out.toString();
  }
}
