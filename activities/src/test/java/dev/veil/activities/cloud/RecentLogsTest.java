package dev.veil.activities.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecentLogsTest {

  @Test
  void recentLogsFindOnlyTheLinesOfThatRun() {
    RecentLogs logs = new RecentLogs(3);
    logs.add("old run=veil-run-x-1 a");
    logs.add("run=veil-run-x-1 b");
    logs.add("run=veil-run-x-10 c");
    logs.add("run=veil-run-x-1");
    assertEquals(List.of("run=veil-run-x-1 b", "run=veil-run-x-1"), logs.tail("veil-run-x-1", 10));
    assertEquals(List.of("run=veil-run-x-1"), logs.tail("veil-run-x-1", 1));
  }
}
