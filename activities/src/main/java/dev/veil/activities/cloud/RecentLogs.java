package dev.veil.activities.cloud;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The worker's last log lines, in memory, so that a failed task's log tail can be uploaded. The
 * application feeds it from its logging (a logback appender in worker-app); lines of a run are
 * found by the {@code run=<runId>} every run log line carries. Thread-safe; bounded.
 */
public final class RecentLogs {

  private final int capacity;
  private final Deque<String> lines = new ArrayDeque<>();

  public RecentLogs(int capacity) {
    this.capacity = capacity;
  }

  public synchronized void add(String line) {
    lines.addLast(line);
    while (lines.size() > capacity) {
      lines.removeFirst();
    }
  }

  /** The last {@code max} lines that mention {@code run=<runId>}, oldest first. */
  public synchronized List<String> tail(String runId, int max) {
    String marker = "run=" + runId;
    List<String> found = new ArrayList<>();
    for (String line : lines) {
      int at = line.indexOf(marker);
      // the id must end there: veil-run-x-1 must not match veil-run-x-10
      if (at >= 0) {
        int end = at + marker.length();
        if (end == line.length() || !Character.isLetterOrDigit(line.charAt(end))
            && line.charAt(end) != '-') {
          found.add(line);
        }
      }
    }
    return found.size() <= max ? found : found.subList(found.size() - max, found.size());
  }
}
