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
import dev.veil.activities.rules.PgBinary;
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

  private final ParquetWriter<byte[][]> writer;

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
  public void write(byte[][] fields) throws IOException {
    writer.write(fields);
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

  private static final class Builder extends ParquetWriter.Builder<byte[][], Builder> {
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
    protected WriteSupport<byte[][]> getWriteSupport(Configuration conf) {
      return new RowWriteSupport(schema, columns);
    }
  }

  /**
   * Maps a row of binary COPY fields onto Parquet's record consumer. Integers, floats, booleans,
   * dates, timestamps, uuids, bytea and UTF-8 text go straight from PostgreSQL's binary form to
   * Parquet's physical one (both big-endian-free of any Java object); decimals, inet and text read
   * as such go through {@link DeliveryColumn#decode}.
   */
  private static final class RowWriteSupport extends WriteSupport<byte[][]> {
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
    public void write(byte[][] row) {
      out.startMessage();
      for (int i = 0; i < columns.length; i++) {
        byte[] v = row[i];
        DeliveryColumn c = columns[i];
        if (v == null || (!c.array() && absent(c, v))) {
          continue;
        }
        out.startField(c.name(), i);
        if (c.array() && !c.readAsText()) {
          out.startGroup();
          byte[][] elements = dev.veil.activities.rules.PgBinary.readArray(v).elements();
          if (elements.length > 0) {
            out.startField("list", 0);
            for (byte[] e : elements) {
              out.startGroup();
              if (e != null && !absent(c, e)) {
                out.startField("element", 0);
                field(c, e);
                out.endField("element", 0);
              }
              out.endGroup();
            }
            out.endField("list", 0);
          }
          out.endGroup();
        } else {
          field(c, v);
        }
        out.endField(c.name(), i);
      }
      out.endMessage();
    }

    /**
     * Whether a non-null field is delivered as NULL all the same: ±infinity dates and timestamps,
     * NaN and ±Infinity numerics in a decimal column.
     */
    private static boolean absent(DeliveryColumn c, byte[] b) {
      if (c.readAsText()) {
        return false;
      }
      return switch (c.kind()) {
        case DATE -> {
          int days = PgBinary.readDate(b);
          yield days == Integer.MAX_VALUE || days == Integer.MIN_VALUE;
        }
        case TIMESTAMP, TIMESTAMPTZ -> PgBinary.isInfinite(PgBinary.readTimestamp(b));
        case DECIMAL -> {
          // the sign word of a binary numeric: 0x0000 positive, 0x4000 negative, else NaN/±Inf
          int sign = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
          yield sign != 0x0000 && sign != 0x4000;
        }
        default -> false;
      };
    }

    /** One non-null field (an array's element for array columns). */
    private void field(DeliveryColumn c, byte[] b) {
      if (c.readAsText()) {
        out.addBinary(Binary.fromConstantByteArray(b));
        return;
      }
      switch (c.kind()) {
        case BOOLEAN -> out.addBoolean(b[0] != 0);
        case INT16, INT32 -> out.addInteger((int) PgBinary.readInteger(b));
        case INT64 -> out.addLong(PgBinary.readInteger(b));
        case FLOAT32 -> out.addFloat(Float.intBitsToFloat(ByteBuffer.wrap(b).getInt()));
        case FLOAT64 -> out.addDouble(Double.longBitsToDouble(ByteBuffer.wrap(b).getLong()));
        case BINARY, UUID -> out.addBinary(Binary.fromConstantByteArray(b));
        case STRING -> {
          if (c.source() == dev.veil.activities.rules.PgKind.TEXT) {
            // text arrives in the session's client encoding, UTF-8
            out.addBinary(Binary.fromConstantByteArray(b));
          } else {
            value(c, c.decode(b)); // inet, numeric as text
          }
        }
        case JSON -> out.addBinary(c.source() == dev.veil.activities.rules.PgKind.JSONB
            ? Binary.fromConstantByteArray(b, 1, b.length - 1) // after jsonb's version byte
            : Binary.fromConstantByteArray(b));
        case DATE -> out.addInteger(PgBinary.readDate(b));
        case TIMESTAMP, TIMESTAMPTZ -> out.addLong(PgBinary.readTimestamp(b));
        case DECIMAL -> value(c, c.decode(b));
      }
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
