package dev.veil.workflows.run;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Progress of one table.
 *
 * @param table {@code schema.table}
 * @param state where the table is
 * @param rowsDone rows copied by finished chunks (status commands add live heartbeats of running
 *     chunks on top)
 * @param rowsEstimated {@code reltuples} of the source table
 * @param bytes bytes read by finished chunks
 * @param chunksDone finished chunks
 * @param chunksTotal all chunks
 * @param error why the table failed, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableProgress(
    String table,
    TableState state,
    long rowsDone,
    long rowsEstimated,
    long bytes,
    int chunksDone,
    int chunksTotal,
    String error) {}
