package dev.veil.activities.config;

import dev.veil.workflows.spec.PipelineSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Pipelines as files in one folder: {@code <dir>/<id>.yaml}, {@code .yml} or {@code .json}, read
 * with {@link SpecLoader#load(String, byte[])} (so the file name is the pipeline id). Hidden files
 * and sub-folders are ignored. Files are read on every call, so edits apply to the next run; the
 * version of a spec is the first 12 hex digits of the SHA-256 of the file's bytes, so any change
 * to a file makes a new version.
 *
 * <p>A folder that does not exist holds no pipelines; a path that is a regular file is a
 * configuration error ({@link UncheckedIOException} caused by {@link NotDirectoryException}).
 */
public final class LocalFolderPipelineSource implements PipelineSource {

  private static final int VERSION_HEX_DIGITS = 12;

  private final Path directory;

  public LocalFolderPipelineSource(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  /**
   * The ids of the spec files, sorted.
   *
   * @throws InvalidSpecException if two files name the same pipeline ({@code demo.yaml} and
   *     {@code demo.json})
   * @throws UncheckedIOException if the folder cannot be listed or is a file
   */
  @Override
  public List<String> ids() {
    Map<String, List<Path>> files = specFiles();
    for (Map.Entry<String, List<Path>> entry : files.entrySet()) {
      requireSingleFile(entry.getKey(), entry.getValue());
    }
    return List.copyOf(files.keySet());
  }

  /**
   * Loads and validates the pipeline whose file is named {@code pipelineId}; empty if there is no
   * such file. Only listed files are read, so an id cannot name a path outside the folder.
   *
   * @throws InvalidSpecException if the file is invalid, or two files name this pipeline
   * @throws UncheckedIOException if the folder or the file cannot be read
   */
  @Override
  public Optional<PipelineSpec> find(String pipelineId) {
    List<Path> candidates = pipelineId == null ? null : specFiles().get(pipelineId);
    if (candidates == null) {
      return Optional.empty();
    }
    Path file = requireSingleFile(pipelineId, candidates);
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read pipeline spec " + file, e);
    }
    PipelineSpec spec = SpecLoader.load(file.getFileName().toString(), content);
    return Optional.of(spec.withVersion(digest(content)));
  }

  @Override
  public String describe() {
    return "folder " + directory;
  }

  /** The spec files of the folder by id, sorted by id, each id's files sorted by name. */
  private Map<String, List<Path>> specFiles() {
    if (!Files.exists(directory)) {
      return Map.of();
    }
    if (!Files.isDirectory(directory)) {
      throw new UncheckedIOException(new NotDirectoryException(directory.toString()));
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(LocalFolderPipelineSource::isSpecFile)
          .sorted()
          .collect(Collectors.groupingBy(
              path -> SpecFormat.baseName(path.getFileName().toString()),
              TreeMap::new,
              Collectors.toCollection(ArrayList::new)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list pipeline folder " + directory, e);
    }
  }

  private static boolean isSpecFile(Path path) {
    String name = path.getFileName().toString();
    return !name.startsWith(".")
        && SpecFormat.ofFileName(name).isPresent()
        && Files.isRegularFile(path);
  }

  private static Path requireSingleFile(String id, List<Path> files) {
    if (files.size() > 1) {
      String names = files.stream().map(p -> p.getFileName().toString())
          .collect(Collectors.joining(", "));
      throw new InvalidSpecException(id,
          List.of(FieldPaths.problem("id", "defined by more than one file (" + names + ")")));
    }
    return files.get(0);
  }

  static String digest(byte[] content) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(content);
      return HexFormat.of().formatHex(hash).substring(0, VERSION_HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }
}
