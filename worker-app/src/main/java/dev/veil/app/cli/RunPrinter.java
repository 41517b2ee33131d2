package dev.veil.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.app.api.RunStatus;
import dev.veil.app.core.RunStatusReader;
import dev.veil.workflows.run.TableProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints runs for people: one line per table (state, rows done / estimated, %), and a summary
 * (tables, rows, seconds, rows/s). On a terminal, {@link #follow} redraws the block in place every
 * second; into a file or pipe it prints a new block when something changed (at least every 10 s),
 * so that logs stay readable.
 */
public final class RunPrinter {

  private static final long QUIET_REPEAT_NANOS = 10_000_000_000L;

  private final PrintStream out;
  private final boolean redraw;
  private final ObjectMapper json;
  private int lastBlockLines;
  private List<String> lastTableLines = List.of();
  private long lastPrintedAt;

  public RunPrinter(PrintStream out, boolean redraw, ObjectMapper json) {
    this.out = out;
    this.redraw = redraw;
    this.json = json;
  }

  /** Whether to redraw in place: stdout is a terminal that understands ANSI. */
  public static boolean terminal(PrintStream out) {
    String term = System.getenv("TERM");
    return out == System.out && System.console() != null && term != null && !"dumb".equals(term);
  }

  /**
   * Prints the run's progress every {@code interval} until it ends.
   *
   * @return the final status
   */
  public RunStatus follow(RunStatusReader reader, String runId, Duration interval, boolean asJson)
      throws InterruptedException {
    while (true) {
      RunStatus status = reader.read(runId);
      if (asJson) {
        printJson(status);
      } else {
        printProgress(status);
      }
      if (status.finished()) {
        return status;
      }
      Thread.sleep(interval.toMillis());
    }
  }

  /** The progress block; replaces the previous block on a terminal. */
  public void printProgress(RunStatus status) {
    List<String> lines = progressLines(status);
    if (redraw) {
      // a terminal gets live rates; files keep identical lines so repeats stay quiet
      lines = withRates(status, lines);
    }
    List<String> tableLines = lines.subList(1, lines.size());
    long now = System.nanoTime();
    if (!redraw
        && !status.finished()
        && lastBlockLines > 0
        && tableLines.equals(lastTableLines)
        && now - lastPrintedAt < QUIET_REPEAT_NANOS) {
      return;
    }
    lastTableLines = List.copyOf(tableLines);
    lastPrintedAt = now;
    if (redraw && lastBlockLines > 0) {
      out.print("\033[" + lastBlockLines + "A\033[J");
    }
    lines.forEach(out::println);
    out.flush();
    lastBlockLines = lines.size();
  }

  /** The status as one JSON document on one line. */
  public void printJson(RunStatus status) {
    try {
      out.println(json.writeValueAsString(status));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the status as JSON", e);
    }
  }

  static List<String> progressLines(RunStatus status) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%s  %s%s  %s",
            status.runId(),
            status.state() == null ? status.workflowStatus() : status.state(),
            status.finished() ? "" : " (" + status.workflowStatus().toLowerCase(Locale.ROOT) + ")",
            seconds(status.elapsedMillis())));
    int width = 8;
    for (TableProgress t : status.tables()) {
      width = Math.max(width, t.table().length());
    }
    for (TableProgress t : status.tables()) {
      lines.add(tableLine(t, width));
    }
    if (status.error() != null) {
      lines.add("  " + status.error());
    }
    return lines;
  }

  private final java.util.Map<String, long[]> samples = new java.util.HashMap<>();
  private final java.util.Map<String, Double> rates = new java.util.HashMap<>();

  /** Appends rows/s and an ETA per running table, measured between two polls. */
  private List<String> withRates(RunStatus status, List<String> lines) {
    List<String> out = new ArrayList<>(lines);
    long now = System.nanoTime();
    for (int i = 0; i < status.tables().size() && i + 1 < out.size(); i++) {
      TableProgress t = status.tables().get(i);
      String key = status.runId() + "/" + t.table();
      long[] before = samples.put(key, new long[] {t.rowsDone(), now});
      if (before != null && now > before[1] && t.rowsDone() > before[0]) {
        rates.put(key, (t.rowsDone() - before[0]) * 1e9 / (now - before[1]));
      }
      Double rate = rates.get(key);
      if (rate != null && rate > 0 && t.state() == dev.veil.workflows.run.TableState.RUNNING) {
        long left = Math.max(0, t.rowsEstimated() - t.rowsDone());
        out.set(i + 1, out.get(i + 1) + String.format(Locale.ROOT, "  %,.0f rows/s  ETA %s",
            rate, eta(left / rate)));
      }
    }
    return out;
  }

  private static String eta(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  static final int BAR_WIDTH = 24;

  /** {@code [#########...............]}: the share of estimated rows done. */
  static String bar(TableProgress t) {
    double share;
    if (t.state() == dev.veil.workflows.run.TableState.COPIED) {
      share = 1;
    } else if (t.rowsEstimated() > 0) {
      share = Math.min(1.0, (double) t.rowsDone() / t.rowsEstimated());
    } else {
      share = 0;
    }
    int filled = (int) Math.round(share * BAR_WIDTH);
    return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
  }

  static String tableLine(TableProgress t, int width) {
    String estimate =
        t.rowsEstimated() > 0 ? String.format(Locale.ROOT, "%,d", t.rowsEstimated()) : "?";
    String percent =
        t.rowsEstimated() > 0
            ? String.format(
                Locale.ROOT, "%3.0f%%", Math.min(100.0, 100.0 * t.rowsDone() / t.rowsEstimated()))
            : "   -";
    return String.format(
        Locale.ROOT,
        "  %-" + width + "s  %-9s %,12d / %-12s %s %s",
        t.table(),
        t.state(),
        t.rowsDone(),
        estimate,
        percent,
        bar(t));
  }

  /** {@code SUCCEEDED: 2 tables, 120,000 rows in 12.3 s (9,756 rows/s)}, plus the error if any. */
  public void printSummary(RunStatus status) {
    out.println(summaryLine(status));
    if (status.warnings() != null) {
      status.warnings().forEach(w -> out.println("  warning: " + w));
    }
    out.flush();
  }

  static String summaryLine(RunStatus status) {
    double secs = status.elapsedMillis() == null ? 0 : status.elapsedMillis() / 1000.0;
    String rate =
        secs > 0 ? String.format(Locale.ROOT, " (%,.0f rows/s)", status.rowsDone() / secs) : "";
    String line =
        String.format(
            Locale.ROOT,
            "%s: %d tables, %,d rows in %.1f s%s",
            status.outcome(),
            status.tables().size(),
            status.rowsDone(),
            secs,
            rate);
    return status.error() == null ? line : line + " — " + status.error();
  }

  /** Exit code of a finished run: 0 succeeded, 1 failed, 3 cancelled. */
  public static int exitCode(RunStatus status) {
    return switch (status.outcome()) {
      case SUCCEEDED -> ExitException.OK;
      case CANCELLED -> ExitException.CANCELLED;
      case FAILED, RUNNING -> ExitException.FAILED;
    };
  }

  private static String seconds(Long millis) {
    return millis == null ? "" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
