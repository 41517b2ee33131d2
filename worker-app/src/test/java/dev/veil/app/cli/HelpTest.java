package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.app.testing.CliRunner;
import dev.veil.app.testing.CliRunner.Result;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What {@code veil} and {@code veil COMMAND -h} print; no server is needed. */
class HelpTest {

  private static final Pattern COMMAND = Pattern.compile("(?m)^  ([a-z-]+) +\\S");

  @Test
  void everyCommandsHelpCallsTheProgramVeilAndStatesEachDefaultOnce() {
    Result usage = CliRunner.run();
    assertEquals(0, usage.code(), usage.toString());
    Matcher names = COMMAND.matcher(usage.out());
    List<String> commands = names.results().map(m -> m.group(1)).toList();
    assertTrue(commands.containsAll(List.of("status", "start", "server", "check", "scan")), usage.out());

    for (String command : commands) {
      Result help = CliRunner.run(command, "-h");
      assertEquals(0, help.code(), command + ": " + help);
      assertTrue(help.out().startsWith("usage: veil " + command + " "), help.out());
      assertFalse(help.out().contains("java -jar"), help.out());
      // each option's block of help: the option line and its indented continuation
      for (String option : help.out().split("\n(?=  -)")) {
        String text = option.replaceAll("\\s+", " ");
        int defaults = text.split("\\(default", -1).length - 1;
        assertTrue(defaults <= 1, command + ": a default shown twice in: " + text);
        assertFalse(text.contains("(default: false)"), command + ": " + text);
        assertFalse(text.contains("(default: null)"), command + ": " + text);
      }
    }
  }

  @Test
  void clientCommandsHelpIsTheSameWithAndWithoutDropwizard() {
    for (String command : List.of("status", "cancel", "start", "runs")) {
      Result light = CliRunner.run(command, "-h");
      Result full = CliRunner.run(new dev.veil.app.VeilApplication(), command, "-h");
      assertEquals(0, light.code(), light.toString());
      assertEquals(full.out(), light.out());
    }
  }

  @Test
  void aMisspelledOptionShowsTheUsageAndExits2() {
    Result result = CliRunner.run("status", "--jsn", "veil-run-x");
    assertEquals(2, result.code(), result.toString());
    assertTrue(result.err().contains("usage: veil status"), result.toString());
    assertTrue(result.err().contains("--jsn"), result.toString());
  }
}
