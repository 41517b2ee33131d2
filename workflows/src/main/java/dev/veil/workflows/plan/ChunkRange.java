package dev.veil.workflows.plan;

/**
 * A range of heap pages of a source table, {@code [fromPage, toPage)}; {@code toPage < 0} means
 * "to the end", so rows on pages added after planning are still copied by the last chunk.
 */
public record ChunkRange(long fromPage, long toPage) {
  public boolean openEnded() {
    return toPage < 0;
  }
}
