package dev.veil.activities.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Files of deliveries under one root (a folder or a bucket prefix), addressed by relative keys
 * with {@code /} separators. Every write replaces what the key held whole: a reader never sees a
 * half-written object, and a retried write leaves one object, not two.
 */
public interface DeliveryStorage extends AutoCloseable {

  /** Stores a local file under {@code key}, replacing any object there. */
  void put(String key, Path file) throws IOException;

  /** Stores bytes under {@code key}, replacing any object there. */
  void put(String key, byte[] content) throws IOException;

  /** The object's bytes, or empty when there is none. */
  Optional<byte[]> get(String key) throws IOException;

  /** Keys under {@code prefix} (which ends in {@code /}), in no particular order. */
  List<String> list(String prefix) throws IOException;

  /** Deletes the object {@code key}; no error if there is none. */
  void delete(String key) throws IOException;

  /** Deletes every object under {@code prefix} (which ends in {@code /}); no error if none. */
  void deleteAll(String prefix) throws IOException;

  /** Where {@code key} is, for manifests and messages: {@code s3://bucket/p/key}, {@code file://…}. */
  String uri(String key);

  @Override
  default void close() {}
}
