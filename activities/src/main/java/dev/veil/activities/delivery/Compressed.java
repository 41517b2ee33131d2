package dev.veil.activities.delivery;

import com.github.luben.zstd.ZstdOutputStream;
import dev.veil.workflows.spec.DeliverySpec.DeliveryCompression;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Output streams of text parts: zstd (zstd-jni, the binding Parquet uses too), gzip, or none. */
final class Compressed {

  private Compressed() {}

  static OutputStream open(Path file, DeliveryCompression compression) throws IOException {
    OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    return switch (compression) {
      case zstd -> new BufferedOutputStream(new ZstdOutputStream(raw, 3), 1 << 16);
      case gzip -> new BufferedOutputStream(new GZIPOutputStream(raw, 1 << 16), 1 << 16);
      case none -> raw;
    };
  }
}
