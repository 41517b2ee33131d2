package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The source snapshot a run (epoch) read under.
 *
 * @param epoch the epoch
 * @param exportedAt when the snapshot was taken, source server time, ISO-8601
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SnapshotInfo(int epoch, String exportedAt) {}
