package dev.veil.workflows.plan;

/**
 * Heartbeat details of a running task: live progress that status commands read from the pending
 * activity while the workflow only learns totals when the task ends.
 */
public record TaskHeartbeat(String taskId, long rows, long bytes) {}
