package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.veil.app.testing.CliRunner;
import dev.veil.app.testing.CliRunner.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil run-task} by hand: input errors and the JSON error line (the copy is in the kubelet IT). */
class RunTaskCommandTest {

  private static final String TASK =
      "{\"pipelineId\":\"p\",\"runId\":\"r\",\"taskId\":\"public.t#0\",\"sourceConnection\":\"src\","
          + "\"targetConnection\":\"tgt\",\"stagingSchema\":\"s\",\"sourceSchema\":\"public\","
          + "\"table\":\"t\",\"columns\":[],\"estimatedRows\":0}";

  @Test
  void badTaskJsonIsOneLineAndExit2() {
    Result r = CliRunner.run("run-task", "--task", "{not json");
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("veil run-task: task: not a valid task JSON"), r.toString());
  }

  @Test
  void aMissingTaskFileIsOneLineAndExit2(@TempDir Path dir) {
    Result r = CliRunner.run("run-task", "--task-file", dir.resolve("none.json").toString());
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("no such file"), r.toString());
  }

  @Test
  void withoutConnectionEnvironmentItPrintsAnErrorLineAndExits1(@TempDir Path dir)
      throws Exception {
    assumeTrue(System.getenv("VEIL_SOURCE_URL") == null, "VEIL_SOURCE_URL is set here");
    Path file = dir.resolve("task.json");
    Files.writeString(file, TASK);
    Result r = CliRunner.run("run-task", "--task-file", file.toString());
    assertEquals(1, r.code(), r.toString());
    String last = r.out().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("{\"error\":"), r.toString());
    assertTrue(last.contains("VEIL_SOURCE_URL is not set"), r.toString());
  }
}
