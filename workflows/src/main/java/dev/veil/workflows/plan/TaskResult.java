package dev.veil.workflows.plan;

/**
 * What a finished task copied.
 *
 * @param taskId the task
 * @param rows rows written to staging
 * @param bytes bytes read from the source
 * @param millis wall time of the copy
 */
public record TaskResult(String taskId, long rows, long bytes, long millis) {}
