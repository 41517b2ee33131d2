package dev.veil.activities.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

/**
 * RFC 4180 CSV (Apache Commons CSV) with a header row. Every value is quoted, so NULL (an
 * empty unquoted field) differs from an empty string ({@code ""}); bytea is PostgreSQL's {@code \x} hex form, arrays are JSON arrays, timestamps ISO
 * 8601 (with {@code Z} where the column has a time zone), as PostgreSQL's own CSV does for most.
 */
final class CsvPartWriter implements PartWriter {

  private final CSVPrinter printer;
  private final List<DeliveryColumn> columns;
  private final Object[] out;

  CsvPartWriter(List<DeliveryColumn> columns, OutputStream stream) throws IOException {
    this.columns = columns;
    this.out = new Object[columns.size()];
    CSVFormat format =
        CSVFormat.RFC4180.builder()
            .setHeader(columns.stream().map(DeliveryColumn::name).toArray(String[]::new))
            .setNullString("")
            .setQuoteMode(QuoteMode.ALL_NON_NULL)
            .get();
    this.printer =
        new CSVPrinter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), format);
  }

  @Override
  public void write(byte[][] fields) throws IOException {
    for (int i = 0; i < fields.length; i++) {
      Object v = fields[i] == null ? null : columns.get(i).decode(fields[i]);
      if (v == null) {
        out[i] = null;
      } else if (v instanceof byte[] b) {
        out[i] = "\\x" + HexFormat.of().formatHex(b);
      } else if (v instanceof List<?> list) {
        out[i] = JsonlPartWriter.json(columns.get(i), list);
      } else if (v instanceof java.math.BigDecimal d) {
        out[i] = d.toPlainString();
      } else {
        out[i] = v.toString();
      }
    }
    printer.printRecord(out);
  }

  @Override
  public void close() throws IOException {
    printer.close(true);
  }

}
