package dev.veil.activities.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;

/**
 * JSON Lines (Jackson's streaming generator): one object per row, keyed by column, with typed
 * values: numbers as JSON numbers (decimals exact), booleans, json/jsonb columns as the JSON they
 * hold, arrays as arrays, bytea as base64, uuid and timestamps as ISO 8601 text.
 */
final class JsonlPartWriter implements PartWriter {

  private static final JsonFactory JSON = new JsonFactory();

  private final List<DeliveryColumn> columns;
  private final SerializedString[] names;
  private final JsonGenerator generator;

  JsonlPartWriter(List<DeliveryColumn> columns, OutputStream stream) throws IOException {
    this.columns = columns;
    this.names = columns.stream().map(c -> new SerializedString(c.name()))
        .toArray(SerializedString[]::new);
    this.generator = JSON.createGenerator(stream);
    generator.setRootValueSeparator(new SerializedString("\n"));
  }

  @Override
  public void write(byte[][] fields) throws IOException {
    generator.writeStartObject();
    for (int i = 0; i < fields.length; i++) {
      generator.writeFieldName(names[i]);
      DeliveryColumn column = columns.get(i);
      value(generator, column, fields[i] == null ? null : column.decode(fields[i]));
    }
    generator.writeEndObject();
  }

  @Override
  public void close() throws IOException {
    generator.writeRaw('\n');
    generator.close();
  }

  static void value(JsonGenerator g, DeliveryColumn column, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof List<?> list) {
      g.writeStartArray();
      for (Object e : list) {
        value(g, column, e);
      }
      g.writeEndArray();
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Short s) {
      g.writeNumber(s);
    } else if (v instanceof Integer n) {
      g.writeNumber(n);
    } else if (v instanceof Long n) {
      g.writeNumber(n);
    } else if (v instanceof Float f) {
      if (f.isNaN() || f.isInfinite()) {
        g.writeString(f.toString());
      } else {
        g.writeNumber(f);
      }
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        g.writeString(d.toString());
      } else {
        g.writeNumber(d);
      }
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d.toPlainString());
    } else if (v instanceof byte[] b) {
      g.writeBinary(b);
    } else if (column.kind() == DeliveryColumn.Kind.JSON) {
      g.writeRawValue((String) v);
    } else {
      g.writeString(v.toString());
    }
  }

  /** A list value as JSON text (CSV's form of arrays). */
  static String json(DeliveryColumn column, List<?> list) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      value(g, column, list);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
