package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The top-level {@code ./veil} script decides when the jar is stale. It runs here on a copy of the
 * checkout's layout with a stand-in {@code java} on the PATH and no {@code mvn}: a rebuild it
 * wanted would end with "Maven (mvn) is not installed".
 */
class VeilScriptTest {

  private static final Path SCRIPT = Path.of("..", "veil").toAbsolutePath().normalize();

  @TempDir Path root;

  @Test
  void editingAPipelineFileDoesNotRebuildTheJar() throws Exception {
    Path jar = layout();
    Path spec = Files.writeString(
        Files.createDirectories(root.resolve("pipelines")).resolve("shop.yaml"), "id: shop\n");
    Files.setLastModifiedTime(spec, FileTime.from(Instant.now().plusSeconds(60)));

    Result result = run();

    assertEquals(0, result.code(), result.toString());
    assertTrue(result.out().strip().endsWith("-jar " + jar + " status x"), result.toString());
    assertTrue(result.out().contains("-XX:TieredStopAtLevel=1"), "a client command starts quickly");
  }

  @Test
  void editingASourceFileStillRebuildsTheJar() throws Exception {
    layout();
    Path source = Files.createDirectories(root.resolve("worker-app/src/main/java")).resolve("A.java");
    Files.writeString(source, "class A {}\n");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60)));

    Result result = run();

    assertEquals(1, result.code(), result.toString());
    assertTrue(result.err().contains("needs building"), result.toString());
  }

  private record Result(int code, String out, String err) {}

  /** The script, a pom and a built jar; returns the jar. */
  private Path layout() throws IOException {
    Files.copy(SCRIPT, root.resolve("veil"));
    root.resolve("veil").toFile().setExecutable(true);
    Files.writeString(root.resolve("pom.xml"), "<project/>\n");
    Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(Instant.now().minusSeconds(60)));
    Path jar = Files.createDirectories(root.resolve("worker-app/target")).resolve("veil.jar");
    Files.writeString(jar, "");
    Path bin = Files.createDirectories(root.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho java \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String tool : new String[] {"sh", "dirname", "find", "id", "flock", "mktemp", "cat", "rm"}) {
      for (String dir : new String[] {"/usr/bin", "/bin"}) {
        Path real = Path.of(dir, tool);
        if (Files.isExecutable(real) && !Files.exists(bin.resolve(tool))) {
          Files.createSymbolicLink(bin.resolve(tool), real);
        }
      }
    }
    return jar;
  }

  private static String bashPath() {
    return Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/usr/bin/bash";
  }

  private Result run() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(bashPath(), root.resolve("veil").toString(), "status", "x");
    // only the stand-in java and the shell tools the script uses: no mvn
    builder.environment().put("PATH", root.resolve("bin").toString());
    builder.environment().remove("VEIL_JAVA_OPTS");
    Process process = builder.start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the script ended");
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
