package dev.veil.workflows.pipeline;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Next fire times of a 5-field (Unix) cron expression, in UTC. Pure computation from the time it is
 * given, so workflow code can use it with {@code Workflow.currentTimeMillis()}.
 */
public final class CronSchedule {

  private static final CronDefinition UNIX = CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX);

  private final ExecutionTime executionTime;

  private CronSchedule(ExecutionTime executionTime) {
    this.executionTime = executionTime;
  }

  /**
   * Parses a 5-field cron expression.
   *
   * @throws IllegalArgumentException naming the field when it is not a valid expression
   */
  public static CronSchedule parse(String expression) {
    try {
      return new CronSchedule(
          ExecutionTime.forCron(new CronParser(UNIX).parse(expression.strip()).validate()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "schedule: not a valid 5-field cron expression (minute hour day-of-month month"
              + " day-of-week)",
          e);
    }
  }

  /** The first fire time strictly after {@code epochMillis}, or {@code null} if there is none. */
  public Long nextAfter(long epochMillis) {
    ZonedDateTime from = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
    return executionTime.nextExecution(from).map(t -> t.toInstant().toEpochMilli()).orElse(null);
  }
}
