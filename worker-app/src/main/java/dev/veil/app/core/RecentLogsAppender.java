package dev.veil.app.core;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.veil.activities.cloud.RecentLogs;
import org.slf4j.LoggerFactory;

/** Feeds the agent's log lines into {@link RecentLogs}, for failed tasks' log tails. */
public final class RecentLogsAppender extends AppenderBase<ILoggingEvent> {

  private final RecentLogs logs;

  private RecentLogsAppender(RecentLogs logs) {
    this.logs = logs;
  }

  /** Attaches an appender feeding {@code logs} to the root logger (after Dropwizard set it up). */
  public static void install(RecentLogs logs) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    RecentLogsAppender appender = new RecentLogsAppender(logs);
    appender.setContext(context);
    appender.setName("veil-recent-logs");
    appender.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  @Override
  protected void append(ILoggingEvent event) {
    logs.add(event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage());
  }
}
