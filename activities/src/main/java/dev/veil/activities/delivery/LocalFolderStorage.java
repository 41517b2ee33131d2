package dev.veil.activities.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Deliveries in a local (or mounted) folder. Each write goes to a hidden temporary file beside its
 * key and is renamed over it, so readers see whole files only.
 */
final class LocalFolderStorage implements DeliveryStorage {

  private final Path root;

  LocalFolderStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  private Path resolve(String key) {
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("key escapes the delivery folder");
    }
    return p;
  }

  @Override
  public void put(String key, Path file) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(tmp, content);
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public Optional<byte[]> get(String key) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(resolve(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    Path dir = resolve(prefix);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .forEach(p -> keys.add(root.relativize(p).toString().replace('\\', '/')));
    }
    return keys;
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(resolve(key));
  }

  @Override
  public void deleteAll(String prefix) throws IOException {
    Path dir = resolve(prefix);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public String uri(String key) {
    return resolve(key).toUri().toString();
  }
}
