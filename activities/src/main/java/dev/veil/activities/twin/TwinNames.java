package dev.veil.activities.twin;

import java.nio.charset.StandardCharsets;

/**
 * Names of the databases around a twin. All share the prefix {@code <twin>__veil_} so that what
 * Veil made is recognisable (and what a dead run left behind can be found and dropped).
 */
public final class TwinNames {

  /** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
  static final int MAX_NAME_BYTES = 63;

  private TwinNames() {}

  /** The database a run builds the new twin in. */
  public static String build(String twin, String runUid) {
    String uid = runUid == null ? "legacy" : runUid.replace("-", "").substring(0, 12);
    return withSuffix(twin, "__veil_b" + uid);
  }

  /** The name the current twin passes through while {@code veil rollback} swaps the previous in. */
  public static String rollingBack(String twin) {
    return withSuffix(twin, "__veil_rollback");
  }

  /** Whether {@code database} is named as a build database of {@code twin}. */
  public static boolean isBuild(String twin, String database) {
    String example = build(twin, "000000000000");
    return database.length() == example.length()
        && database.startsWith(example.substring(0, example.length() - 12));
  }

  /** Where {@code keepPrevious} keeps the replaced twin, for {@code veil rollback}. */
  public static String previous(String twin) {
    return withSuffix(twin, "__veil_prev");
  }

  /** Where the replaced twin goes for the instant between the swap and its drop. */
  public static String aside(String twin, String runUid) {
    String uid = runUid == null ? "legacy" : runUid.replace("-", "").substring(0, 12);
    return withSuffix(twin, "__veil_o" + uid);
  }

  /**
   * Where a run puts the older previous twin ({@code keepPrevious}) while it is dropped in the
   * background.
   */
  public static String retired(String twin, String runUid) {
    String uid = runUid == null ? "legacy" : runUid.replace("-", "").substring(0, 12);
    return withSuffix(twin, "__veil_r" + uid);
  }

  /** The {@code LIKE} pattern of retired twins ({@link #retired}). */
  public static String retiredPattern(String twin) {
    return like(withSuffix(twin, "__veil_r")) + "%";
  }

  /**
   * The comment that marks a replaced twin of {@code pipelineId} as to be dropped. Only such
   * databases (and dead builds) are dropped by a later run: an aside that still carries a build
   * marker belongs to a swap in progress.
   */
  public static String retiredMarker(String pipelineId) {
    return "veil replaced twin of pipeline " + pipelineId + ", to be dropped";
  }

  /** The {@code LIKE} pattern of the build databases of a twin. */
  public static String buildPattern(String twin) {
    return like(withSuffix(twin, "__veil_b")) + "%";
  }

  /** The {@code LIKE} pattern of the databases replaced twins wait in to be dropped. */
  public static String asidePattern(String twin) {
    return like(withSuffix(twin, "__veil_o")) + "%";
  }

  /** The comment that marks a database as built by one run. */
  public static String marker(String pipelineId, String runUid) {
    return "veil build of pipeline " + pipelineId + " run " + runUid;
  }

  /** Whether a database comment marks a build of {@code pipelineId}. */
  public static boolean markedForPipeline(String comment, String pipelineId) {
    return comment != null && comment.startsWith("veil build of pipeline " + pipelineId + " run ");
  }

  private static String withSuffix(String twin, String suffix) {
    String base = twin;
    while (base.getBytes(StandardCharsets.UTF_8).length + suffix.length() > MAX_NAME_BYTES) {
      base = base.substring(0, base.length() - 1);
    }
    return base + suffix;
  }

  private static String like(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
