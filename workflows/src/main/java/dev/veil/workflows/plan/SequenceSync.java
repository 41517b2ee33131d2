package dev.veil.workflows.plan;

/**
 * A sequence of a staging table to advance after the load: to the larger of the source sequence's
 * value and the largest copied value of {@code column}.
 *
 * @param column the column the sequence feeds
 * @param sourceLastValue the source sequence's last value at plan time, or {@code null} if unread
 */
public record SequenceSync(String column, Long sourceLastValue) {}
