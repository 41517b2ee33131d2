package dev.veil.app.core;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** No pipeline with this id in the configured pipeline source. */
public class UnknownPipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownPipelineException(String pipelineId, String where) {
    super("no pipeline '" + pipelineId + "' in " + where);
  }

  /** With a "did you mean" when one of the known ids is a likely typo of the one asked for. */
  public UnknownPipelineException(String pipelineId, String where, Collection<String> known) {
    super(
        "no pipeline '"
            + pipelineId
            + "' in "
            + where
            + closest(pipelineId, known).map(id -> "; did you mean '" + id + "'?").orElse(""));
  }

  /** The known id nearest in edit distance, if it is within a third of the length (at least 2). */
  static Optional<String> closest(String wanted, Collection<String> known) {
    if (wanted == null || known == null) {
      return Optional.empty();
    }
    String w = wanted.toLowerCase(Locale.ROOT);
    int limit = Math.max(2, w.length() / 3);
    return known.stream()
        .filter(id -> distance(w, id.toLowerCase(Locale.ROOT)) <= limit)
        .min(Comparator.comparingInt((String id) -> distance(w, id.toLowerCase(Locale.ROOT)))
            .thenComparing(Comparator.naturalOrder()));
  }

  /** Optimal string alignment distance (a swap of two neighbours counts as one edit). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
