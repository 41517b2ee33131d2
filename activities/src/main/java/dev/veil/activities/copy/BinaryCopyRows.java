package dev.veil.activities.copy;

import dev.veil.activities.rules.RowTransform;
import dev.veil.activities.rules.ValueTransform;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.copy.CopyOut;

/**
 * Reads PostgreSQL's binary COPY format from a {@link CopyOut} row by row, with the column rules
 * applied exactly as {@link BinaryCopyStream} applies them on the way into a twin: plain
 * transforms first, then row transforms, which see the other columns' outputs. A delivery hands
 * the rows to a file format instead of a target COPY.
 */
public final class BinaryCopyRows {

  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

  private final CopyOut in;
  private final ValueTransform[] transforms;
  private byte[] cur = new byte[0];
  private int pos;
  private long bytesIn;
  private boolean started;
  private boolean ended;

  public BinaryCopyRows(CopyOut in, ValueTransform[] transforms) {
    this.in = in;
    this.transforms = transforms;
  }

  public long bytesRead() {
    return bytesIn;
  }

  /** The next row's fields after the rules ({@code null} for SQL NULL), or null at the end. */
  public byte[][] next() throws SQLException {
    if (!started) {
      started = true;
      byte[] signature = readBytes(SIGNATURE.length);
      if (!Arrays.equals(signature, SIGNATURE)) {
        throw new SQLException("source did not send binary COPY data", "XX000");
      }
      readInt32(); // flags
      int extension = readInt32();
      readBytes(extension);
    }
    if (ended) {
      return null;
    }
    int fields = readInt16();
    if (fields == -1) {
      ended = true;
      while (in.readFromCopy() != null) {
        // nothing after the trailer
      }
      return null;
    }
    if (fields != transforms.length) {
      throw new SQLException("row has " + fields + " fields, expected " + transforms.length,
          "XX000");
    }
    byte[][] row = new byte[fields][];
    for (int i = 0; i < fields; i++) {
      int length = readInt32();
      row[i] = length < 0 ? null : readBytes(length);
    }
    boolean rowAware = false;
    for (int i = 0; i < fields; i++) {
      ValueTransform t = transforms[i];
      if (t instanceof RowTransform) {
        rowAware = true;
      } else if (t != null && row[i] != null) {
        row[i] = t.apply(row[i]);
      }
    }
    if (!rowAware) {
      return row;
    }
    byte[][] out = row.clone();
    for (int i = 0; i < fields; i++) {
      if (transforms[i] instanceof RowTransform t && row[i] != null) {
        out[i] = t.apply(row[i], row);
      }
    }
    return out;
  }

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

  private int readInt16() throws SQLException {
    byte[] b = readBytes(2);
    return (short) (((b[0] & 0xff) << 8) | (b[1] & 0xff));
  }

  private int readInt32() throws SQLException {
    if (cur.length - pos >= 4) {
      int v = ((cur[pos] & 0xff) << 24) | ((cur[pos + 1] & 0xff) << 16)
          | ((cur[pos + 2] & 0xff) << 8) | (cur[pos + 3] & 0xff);
      pos += 4;
      return v;
    }
    byte[] b = readBytes(4);
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  private byte[] readBytes(int length) throws SQLException {
    byte[] value = new byte[length];
    int done = 0;
    while (done < length) {
      if (pos >= cur.length && !fill()) {
        throw new SQLException("source COPY ended in the middle of a row", "08006");
      }
      int n = Math.min(length - done, cur.length - pos);
      System.arraycopy(cur, pos, value, done, n);
      pos += n;
      done += n;
    }
    return value;
  }
}
