package dev.veil.activities.delivery;

import dev.veil.workflows.spec.DeliverySpec.DeliveryCompression;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Parquet parts through Apache parquet-java's {@link ParquetWriter}: Veil only maps each row onto
 * the library's record consumer ({@link WriteSupport}, its extension point); encoding, pages,
 * statistics and compression are the library's. Typed columns: integers, decimal(p,s), float,
 * boolean, UTF-8 strings, json as string, bytea as binary, uuid, date, timestamps (UTC-adjusted
 * for {@code timestamptz}) in microseconds, arrays as LIST.
 */
final class ParquetPartWriter implements PartWriter {

  static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;

  private final ParquetWriter<Object[]> writer;

  ParquetPartWriter(List<DeliveryColumn> columns, Path file, DeliveryCompression compression)
      throws IOException {
    MessageType schema = schema(columns);
    CompressionCodecName codec =
        switch (compression) {
          case zstd -> CompressionCodecName.ZSTD;
          case gzip -> CompressionCodecName.GZIP;
          case none -> CompressionCodecName.UNCOMPRESSED;
        };
    this.writer =
        new Builder(file, schema, columns)
            .withCompressionCodec(codec)
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            // a chunk's row group is buffered in the heap until it is flushed: 32 MiB keeps a
            // few concurrent chunks within a small worker heap (the default is 128 MiB)
            .withRowGroupSize(ROW_GROUP_BYTES)
            .withConf(new Configuration(false))
            .build();
  }

  @Override
  public void write(Object[] row) throws IOException {
    writer.write(row);
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  static MessageType schema(List<DeliveryColumn> columns) {
    List<Type> fields = new ArrayList<>();
    for (DeliveryColumn c : columns) {
      if (c.array()) {
        fields.add(Types.optionalList().element(primitive(c, "element")).named(c.name()));
      } else {
        fields.add(primitive(c, c.name()));
      }
    }
    return new MessageType("row", fields);
  }

  private static Type primitive(DeliveryColumn c, String name) {
    return switch (c.kind()) {
      case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN).named(name);
      case INT16 -> Types.optional(PrimitiveTypeName.INT32)
          .as(LogicalTypeAnnotation.intType(16, true)).named(name);
      case INT32 -> Types.optional(PrimitiveTypeName.INT32).named(name);
      case INT64 -> Types.optional(PrimitiveTypeName.INT64).named(name);
      case FLOAT32 -> Types.optional(PrimitiveTypeName.FLOAT).named(name);
      case FLOAT64 -> Types.optional(PrimitiveTypeName.DOUBLE).named(name);
      case DECIMAL -> Types.optional(decimalStorage(c.precision()))
          .as(LogicalTypeAnnotation.decimalType(c.scale(), c.precision())).named(name);
      case STRING, JSON -> Types.optional(PrimitiveTypeName.BINARY)
          .as(LogicalTypeAnnotation.stringType()).named(name);
      case BINARY -> Types.optional(PrimitiveTypeName.BINARY).named(name);
      case UUID -> Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(16)
          .as(LogicalTypeAnnotation.uuidType()).named(name);
      case DATE -> Types.optional(PrimitiveTypeName.INT32)
          .as(LogicalTypeAnnotation.dateType()).named(name);
      case TIMESTAMP -> Types.optional(PrimitiveTypeName.INT64)
          .as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS)).named(name);
      case TIMESTAMPTZ -> Types.optional(PrimitiveTypeName.INT64)
          .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(name);
    };
  }

  private static PrimitiveTypeName decimalStorage(int precision) {
    if (precision <= 9) {
      return PrimitiveTypeName.INT32;
    }
    return precision <= 18 ? PrimitiveTypeName.INT64 : PrimitiveTypeName.BINARY;
  }

  private static final class Builder extends ParquetWriter.Builder<Object[], Builder> {
    private final MessageType schema;
    private final List<DeliveryColumn> columns;

    Builder(Path file, MessageType schema, List<DeliveryColumn> columns) {
      super(new LocalOutputFile(file));
      this.schema = schema;
      this.columns = columns;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Object[]> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(schema, columns);
    }
  }

  /** Maps a row of decoded values onto Parquet's record consumer. */
  private static final class RowWriteSupport extends WriteSupport<Object[]> {
    private final MessageType schema;
    private final DeliveryColumn[] columns;
    private RecordConsumer out;

    RowWriteSupport(MessageType schema, List<DeliveryColumn> columns) {
      this.schema = schema;
      this.columns = columns.toArray(DeliveryColumn[]::new);
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(schema, new HashMap<>());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.out = recordConsumer;
    }

    @Override
    public void write(Object[] row) {
      out.startMessage();
      for (int i = 0; i < columns.length; i++) {
        Object v = row[i];
        if (v == null) {
          continue;
        }
        DeliveryColumn c = columns[i];
        out.startField(c.name(), i);
        if (c.array()) {
          out.startGroup();
          List<?> list = (List<?>) v;
          if (!list.isEmpty()) {
            out.startField("list", 0);
            for (Object e : list) {
              out.startGroup();
              if (e != null) {
                out.startField("element", 0);
                value(c, e);
                out.endField("element", 0);
              }
              out.endGroup();
            }
            out.endField("list", 0);
          }
          out.endGroup();
        } else {
          value(c, v);
        }
        out.endField(c.name(), i);
      }
      out.endMessage();
    }

    private void value(DeliveryColumn c, Object v) {
      switch (c.kind()) {
        case BOOLEAN -> out.addBoolean((Boolean) v);
        case INT16 -> out.addInteger((Short) v);
        case INT32 -> out.addInteger((Integer) v);
        case INT64 -> out.addLong((Long) v);
        case FLOAT32 -> out.addFloat((Float) v);
        case FLOAT64 -> out.addDouble((Double) v);
        case DECIMAL -> {
          BigDecimal d = (BigDecimal) v;
          if (c.precision() <= 9) {
            out.addInteger(d.unscaledValue().intValueExact());
          } else if (c.precision() <= 18) {
            out.addLong(d.unscaledValue().longValueExact());
          } else {
            out.addBinary(Binary.fromConstantByteArray(d.unscaledValue().toByteArray()));
          }
        }
        case STRING, JSON -> out.addBinary(
            Binary.fromConstantByteArray(((String) v).getBytes(StandardCharsets.UTF_8)));
        case BINARY -> out.addBinary(Binary.fromConstantByteArray((byte[]) v));
        case UUID -> {
          UUID u = (UUID) v;
          ByteBuffer b = ByteBuffer.allocate(16);
          b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
          out.addBinary(Binary.fromConstantByteArray(b.array()));
        }
        case DATE -> out.addInteger((int) ((LocalDate) v).toEpochDay());
        case TIMESTAMP -> {
          LocalDateTime t = (LocalDateTime) v;
          out.addLong(t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000);
        }
        case TIMESTAMPTZ -> {
          Instant t = (Instant) v;
          out.addLong(t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
        }
      }
    }
  }
}
