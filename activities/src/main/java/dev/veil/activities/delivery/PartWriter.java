package dev.veil.activities.delivery;

import dev.veil.workflows.spec.DeliverySpec.DeliveryCompression;
import dev.veil.workflows.spec.DeliverySpec.DeliveryFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes one part file of delivered rows in one format. */
public interface PartWriter extends AutoCloseable {

  /**
   * Writes one row: each column's binary COPY field after the rules, {@code null} for SQL NULL.
   * Each format decodes what it needs ({@link DeliveryColumn#decode}); Parquet maps most fields
   * straight onto its physical types.
   */
  void write(byte[][] fields) throws IOException;

  /** Finishes the file. */
  @Override
  void close() throws IOException;

  /** A writer of {@code format} into a new local file. */
  static PartWriter open(DeliveryFormat format, DeliveryCompression compression,
      List<DeliveryColumn> columns, Path file) throws IOException {
    return switch (format) {
      case parquet -> new ParquetPartWriter(columns, file, compression);
      case csv -> new CsvPartWriter(columns, Compressed.open(file, compression));
      case jsonl -> new JsonlPartWriter(columns, Compressed.open(file, compression));
    };
  }

  /** The file name extension of parts in {@code format} with {@code compression}. */
  static String extension(DeliveryFormat format, DeliveryCompression compression) {
    return switch (format) {
      case parquet -> ".parquet"; // compressed inside, per column chunk
      case csv, jsonl -> "." + format.name() + switch (compression) {
        case zstd -> ".zst";
        case gzip -> ".gz";
        case none -> "";
      };
    };
  }
}
