package dev.veil.activities.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.workflows.spec.PipelineSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFolderPipelineSourceTest {

  private static final String SPEC = "source: {connection: prod}\ntarget: {connection: twin}\n";

  @TempDir Path dir;

  @Test
  void listsSpecFilesByIdSortedAndIgnoresOtherFiles() throws IOException {
    write("nightly.yaml", SPEC);
    write("adhoc.yml", SPEC);
    write("weekly.json", "{\"source\": {\"connection\": \"prod\"}, \"target\": {\"connection\": \"twin\"}}");
    write("README.md", "# pipelines");
    write(".draft.yaml", SPEC);
    Files.createDirectory(dir.resolve("old.yaml"));

    assertEquals(List.of("adhoc", "nightly", "weekly"), source().ids());
  }

  @Test
  void findsLoadsAndValidatesAPipeline() throws IOException {
    write("nightly.yaml", SPEC + "maxActiveTasks: 3\n");

    PipelineSpec spec = source().find("nightly").orElseThrow();

    assertEquals("nightly", spec.id());
    assertEquals(3, spec.effectiveMaxActiveTasks());
    assertTrue(spec.version().matches("[0-9a-f]{12}"), spec.version());
  }

  @Test
  void versionIsTheDigestOfTheFileAndChangesWithIt() throws IOException {
    Path file = write("nightly.yaml", SPEC);
    String first = source().find("nightly").orElseThrow().version();

    assertEquals(first, source().find("nightly").orElseThrow().version());
    assertEquals(LocalFolderPipelineSource.digest(Files.readAllBytes(file)), first);

    write("nightly.yaml", SPEC + "maxActiveTasks: 2\n");
    assertNotEquals(first, source().find("nightly").orElseThrow().version());
  }

  @Test
  void unknownIdIsNotFound() throws IOException {
    write("nightly.yaml", SPEC);

    assertEquals(Optional.empty(), source().find("weekly"));
  }

  @Test
  void idCannotReachOutsideTheFolder() throws IOException {
    Path inner = Files.createDirectory(dir.resolve("pipelines"));
    write("secret.yaml", SPEC);

    var source = new LocalFolderPipelineSource(inner);
    assertEquals(Optional.empty(), source.find("../secret"));
    assertEquals(Optional.empty(), source.find(null));
  }

  @Test
  void invalidFileIsReportedWithEveryProblem() throws IOException {
    write("nightly.yaml", "maxActiveTasks: 0\nsource: {connection: prod}\n");

    InvalidSpecException e =
        assertThrows(InvalidSpecException.class, () -> source().find("nightly"));

    assertEquals("nightly", e.pipeline());
    assertEquals(List.of("maxActiveTasks: must be between 1 and 64", "target: required"),
        e.problems());
  }

  @Test
  void twoFilesForOneIdAreAnError() throws IOException {
    write("nightly.yaml", SPEC);
    write("nightly.json", "{}");

    InvalidSpecException listing = assertThrows(InvalidSpecException.class, () -> source().ids());
    InvalidSpecException finding =
        assertThrows(InvalidSpecException.class, () -> source().find("nightly"));

    assertEquals(List.of("id: defined by more than one file (nightly.json, nightly.yaml)"),
        listing.problems());
    assertEquals(listing.problems(), finding.problems());
  }

  @Test
  void missingFolderHoldsNoPipelines() {
    var source = new LocalFolderPipelineSource(dir.resolve("absent"));

    assertEquals(List.of(), source.ids());
    assertEquals(Optional.empty(), source.find("nightly"));
  }

  @Test
  void folderPathThatIsAFileIsAnError() throws IOException {
    Path file = write("not-a-folder", "x");
    var source = new LocalFolderPipelineSource(file);

    UncheckedIOException e = assertThrows(UncheckedIOException.class, source::ids);
    assertInstanceOf(NotDirectoryException.class, e.getCause());
    assertThrows(UncheckedIOException.class, () -> source.find("nightly"));
  }

  @Test
  void repositoryPipelinesFolderHoldsTheDemo() {
    Path pipelines = SpecLoaderTest.repositoryFile("pipelines/demo.yaml").getParent();
    var source = new LocalFolderPipelineSource(pipelines);

    assertTrue(source.ids().contains("demo"), source.ids()::toString);
    assertEquals("demo", source.find("demo").orElseThrow().id());
  }

  private LocalFolderPipelineSource source() {
    return new LocalFolderPipelineSource(dir);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
