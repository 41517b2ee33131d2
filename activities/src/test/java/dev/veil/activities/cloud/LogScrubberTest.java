package dev.veil.activities.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogScrubberTest {

  private final LogScrubber scrubber = new LogScrubber(List.of("hunter2-long", "abc"));

  @Test
  void hidesKnownSecretsCredentialPairsBearerTokensUrlUserInfoEmailsAndQuotedValues() {
    assertEquals(
        "url jdbc:postgresql://***@h/db password=*** token: *** Bearer *** *** saw '***' \"***\" ***",
        scrubber.scrub(
            "url jdbc:postgresql://bob:pw@h/db password=p4ss token: t0k Bearer eyJabc.def"
                + " hunter2-long saw 'Alice' \"Bob\" alice@example.com"));
  }

  @Test
  void shortSecretsAreNotUsedToScrubSoNormalWordsSurvive() {
    assertEquals("task abc# started", scrubber.scrub("task abc# started"));
  }

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
