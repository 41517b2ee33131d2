package dev.veil.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Commands receive what they use (a {@link Console}, a {@link Shutdown}), never the application:
 * no class of {@code cli/} or {@code core/} names {@code VeilApplication}, so the application and
 * its commands do not import each other in a loop.
 */
class CommandDependenciesTest {

  @Test
  void noCommandOrCoreClassNamesTheApplication() throws IOException {
    Path main = Path.of("src", "main", "java", "dev", "veil", "app");
    List<String> offenders;
    try (Stream<Path> files =
        Stream.concat(Files.list(main.resolve("cli")), Files.list(main.resolve("core")))) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> read(p).contains("VeilApplication"))
              .map(p -> p.getFileName().toString())
              .sorted()
              .toList();
    }
    assertEquals(List.of(), offenders);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
