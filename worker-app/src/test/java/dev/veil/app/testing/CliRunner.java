package dev.veil.app.testing;

import dev.veil.app.VeilApplication;
import dev.veil.app.VeilMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@code veil} command lines in this JVM and captures exit code, stdout and stderr. */
public final class CliRunner {

  /** What a command line did. */
  public record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private CliRunner() {}

  /** As the jar's entry point runs it: client commands without Dropwizard, others through it. */
  public static Result run(String... args) {
    return capture((out, err) -> VeilMain.execute(out, err, args));
  }

  /** Through this application (and so through Dropwizard's bootstrap, whatever the command). */
  public static Result run(VeilApplication app, String... args) {
    return capture((out, err) -> app.execute(out, err, args));
  }

  private static Result capture(java.util.function.ToIntBiFunction<PrintStream, PrintStream> cli) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = cli.applyAsInt(o, e);
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
