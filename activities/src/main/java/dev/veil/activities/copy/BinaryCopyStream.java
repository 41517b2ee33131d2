package dev.veil.activities.copy;

import dev.veil.activities.rules.RowTransform;
import dev.veil.activities.rules.ValueTransform;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Streams PostgreSQL's binary COPY format from a {@link CopyOut} to a {@link CopyIn}, applying a
 * transform to the columns that have one and passing every other field through byte for byte.
 * Memory is bounded by one row plus a fixed output buffer, whatever the table size.
 */
final class BinaryCopyStream {

  /** Called about once a second while rows flow; may throw to stop the copy. */
  interface RowProgress {
    void rows(long rows, long bytes);
  }

  /** Rows between two looks at the clock. */
  private static final int CLOCK_EVERY = 256;
  private static final long PROGRESS_NANOS = 1_000_000_000L;
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
  private static final int OUT_BUFFER = 1 << 17;

  private final CopyOut in;
  private final CopyIn out;
  private final ValueTransform[] transforms;

  private byte[] cur = new byte[0];
  private int pos;
  private long bytesIn;
  private final byte[] outBuf = new byte[OUT_BUFFER];
  private int outLen;

  /** Whether a rule reads other columns: then each row is read whole before it is written. */
  private final boolean rowAware;

  BinaryCopyStream(CopyOut in, CopyIn out, ValueTransform[] transforms) {
    this.in = in;
    this.out = out;
    this.transforms = transforms;
    boolean any = false;
    for (ValueTransform t : transforms) {
      any |= t instanceof RowTransform;
    }
    this.rowAware = any;
  }

  long bytesRead() {
    return bytesIn;
  }

  /** Copies every row; returns the number of rows. */
  long run(RowProgress progress) throws SQLException {
    byte[] signature = readBytes(SIGNATURE.length);
    if (!Arrays.equals(signature, SIGNATURE)) {
      throw new SQLException("source did not send binary COPY data", "XX000");
    }
    readInt32(); // flags
    int extension = readInt32();
    skip(extension);
    write(SIGNATURE, 0, SIGNATURE.length);
    writeInt32(0);
    writeInt32(0);

    long rows = 0;
    long lastProgress = System.nanoTime();
    int columns = transforms.length;
    while (true) {
      int fields = readInt16();
      if (fields == -1) {
        writeInt16(-1);
        break;
      }
      if (fields != columns) {
        throw new SQLException("row has " + fields + " fields, expected " + columns, "XX000");
      }
      writeInt16(fields);
      if (rowAware) {
        copyWholeRow(fields);
      } else {
        for (int i = 0; i < fields; i++) {
          int length = readInt32();
          ValueTransform transform = transforms[i];
          if (length < 0) {
            writeInt32(-1);
          } else if (transform == null) {
            writeInt32(length);
            pass(length);
          } else {
            byte[] result = transform.apply(readBytes(length));
            if (result == null) {
              writeInt32(-1);
            } else {
              writeInt32(result.length);
              write(result, 0, result.length);
            }
          }
        }
      }
      rows++;
      if (rows % CLOCK_EVERY == 0) {
        long now = System.nanoTime();
        if (now - lastProgress >= PROGRESS_NANOS) {
          lastProgress = now;
          progress.rows(rows, bytesIn);
        }
      }
    }
    flush();
    // drain: readFromCopy returns null once the server has finished the COPY
    while (in.readFromCopy() != null) {
      // nothing after the trailer
    }
    return rows;
  }

  /**
   * Reads a row whole, applies the plain transforms, then the row transforms (which see the
   * others' outputs), and writes it.
   */
  private void copyWholeRow(int fields) throws SQLException {
    byte[][] row = new byte[fields][];
    for (int i = 0; i < fields; i++) {
      int length = readInt32();
      row[i] = length < 0 ? null : readBytes(length);
    }
    for (int i = 0; i < fields; i++) {
      ValueTransform t = transforms[i];
      if (t != null && !(t instanceof RowTransform) && row[i] != null) {
        row[i] = t.apply(row[i]);
      }
    }
    byte[][] rowOut = row.clone();
    for (int i = 0; i < fields; i++) {
      if (transforms[i] instanceof RowTransform t && row[i] != null) {
        rowOut[i] = t.apply(row[i], row);
      }
    }
    for (byte[] value : rowOut) {
      if (value == null) {
        writeInt32(-1);
      } else {
        writeInt32(value.length);
        write(value, 0, value.length);
      }
    }
  }

  // ---- input

  private boolean fill() throws SQLException {
    byte[] next = in.readFromCopy();
    if (next == null) {
      return false;
    }
    cur = next;
    pos = 0;
    bytesIn += next.length;
    return true;
  }

  private int readByte() throws SQLException {
    while (pos >= cur.length) {
      if (!fill()) {
        throw new SQLException("source COPY ended in the middle of a row", "08006");
      }
    }
    return cur[pos++] & 0xff;
  }

  private int readInt16() throws SQLException {
    if (cur.length - pos >= 2) {
      int v = (short) (((cur[pos] & 0xff) << 8) | (cur[pos + 1] & 0xff));
      pos += 2;
      return v;
    }
    return (short) ((readByte() << 8) | readByte());
  }

  private int readInt32() throws SQLException {
    if (cur.length - pos >= 4) {
      int v =
          ((cur[pos] & 0xff) << 24)
              | ((cur[pos + 1] & 0xff) << 16)
              | ((cur[pos + 2] & 0xff) << 8)
              | (cur[pos + 3] & 0xff);
      pos += 4;
      return v;
    }
    return (readByte() << 24) | (readByte() << 16) | (readByte() << 8) | readByte();
  }

  private byte[] readBytes(int length) throws SQLException {
    byte[] value = new byte[length];
    int done = 0;
    while (done < length) {
      if (pos >= cur.length && !fill()) {
        throw new SQLException("source COPY ended in the middle of a value", "08006");
      }
      int n = Math.min(length - done, cur.length - pos);
      System.arraycopy(cur, pos, value, done, n);
      pos += n;
      done += n;
    }
    return value;
  }

  private void skip(int length) throws SQLException {
    for (int i = 0; i < length; i++) {
      readByte();
    }
  }

  /** Copies {@code length} input bytes to the output unchanged. */
  private void pass(int length) throws SQLException {
    int left = length;
    while (left > 0) {
      if (pos >= cur.length && !fill()) {
        throw new SQLException("source COPY ended in the middle of a value", "08006");
      }
      int n = Math.min(left, cur.length - pos);
      write(cur, pos, n);
      pos += n;
      left -= n;
    }
  }

  // ---- output

  private void writeInt16(int v) throws SQLException {
    if (outLen + 2 > outBuf.length) {
      flush();
    }
    outBuf[outLen++] = (byte) (v >>> 8);
    outBuf[outLen++] = (byte) v;
  }

  private void writeInt32(int v) throws SQLException {
    if (outLen + 4 > outBuf.length) {
      flush();
    }
    outBuf[outLen++] = (byte) (v >>> 24);
    outBuf[outLen++] = (byte) (v >>> 16);
    outBuf[outLen++] = (byte) (v >>> 8);
    outBuf[outLen++] = (byte) v;
  }

  private void write(byte[] src, int off, int len) throws SQLException {
    if (len > outBuf.length - outLen) {
      flush();
      if (len > outBuf.length) {
        out.writeToCopy(src, off, len);
        return;
      }
    }
    System.arraycopy(src, off, outBuf, outLen, len);
    outLen += len;
  }

  private void flush() throws SQLException {
    if (outLen > 0) {
      out.writeToCopy(outBuf, 0, outLen);
      outLen = 0;
    }
  }
}
