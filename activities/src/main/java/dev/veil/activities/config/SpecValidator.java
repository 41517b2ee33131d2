package dev.veil.activities.config;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import dev.veil.activities.rules.Presets;
import dev.veil.activities.rules.RuleType;
import dev.veil.activities.rules.Rules;
import dev.veil.workflows.spec.ExecutorSpec;
import dev.veil.workflows.spec.PipelineSpec;
import dev.veil.workflows.spec.ResourcesSpec;
import dev.veil.workflows.spec.RuleSpec;
import dev.veil.workflows.spec.SourceSpec;
import dev.veil.workflows.spec.SubsetSpec;
import dev.veil.workflows.spec.TableOptions;
import dev.veil.workflows.spec.TablesSpec;
import dev.veil.workflows.spec.DeliverySpec;
import dev.veil.workflows.spec.TargetSpec;
import dev.veil.workflows.spec.Toleration;
import dev.veil.workflows.spec.VerifySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Structural validation of a pipeline spec: everything that can be checked without the source
 * database. Whether tables, columns and {@code where} expressions fit the real catalog is checked
 * at plan time.
 *
 * <p>Each problem reads {@code "<field path>: <reason>"}, for example {@code maxActiveTasks: must
 * be between 1 and 64} or {@code rules.public.users.email.length: must be between 1 and 10000,
 * got 0}. Reasons never repeat free-text values such as {@code where} expressions or rule
 * parameters; the path names the field.
 */
public final class SpecValidator {

  /** Pipeline ids: also used in workflow ids and Kubernetes labels, hence lowercase and short. */
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  /** Connection names, as configured on the agent. */
  public static final Pattern CONNECTION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  /** Plain SQL identifiers; anything else (quotes, spaces, {@code ;}) is refused outright. */
  public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

  public static final int MAX_ACTIVE_TASKS = 64;
  public static final long MIN_CHUNK_ROWS = 1000;
  public static final int MAX_TASK_TIMEOUT_MINUTES = 7 * 24 * 60;
  public static final int MIN_HEARTBEAT_SECONDS = 5;
  public static final int MAX_HEARTBEAT_SECONDS = 600;
  public static final int MAX_ATTEMPTS = 100;
  public static final int MAX_WHERE_LENGTH = 4000;
  /** Longer source values than this are rare enough that a higher minimum checks nothing. */
  public static final int MAX_VERIFY_MIN_LENGTH = 1000;

  static final String ID_REASON =
      "must be 1 to 63 lowercase letters, digits or '-', starting with a letter or digit";
  static final String CONNECTION_REASON =
      "must be 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit";
  static final String IDENTIFIER_REASON =
      "must be a plain identifier: a letter or '_', then letters, digits, '_' or '$' (at most 63)";
  static final String TABLE_PATTERN_REASON =
      "must be schema.table, each part a plain identifier in which * matches any characters";

  private static final Pattern TABLE_PATTERN_PART = Pattern.compile("[A-Za-z_*][A-Za-z0-9_$*]{0,62}");
  private static final Pattern QUANTITY = Pattern.compile(
      "(?<number>[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?");
  private static final Pattern LABEL_NAME =
      Pattern.compile("[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*");
  private static final Set<String> TOLERATION_OPERATORS = Set.of("Exists", "Equal");
  private static final Set<String> TOLERATION_EFFECTS =
      Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  private static final CronParser CRON =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private SpecValidator() {}

  /**
   * Every problem of the spec, in field order; empty if it is valid. Never throws for a spec that
   * {@link SpecLoader} produced, however wrong its values.
   */
  public static List<String> validate(PipelineSpec spec) {
    Problems problems = new Problems();
    if (spec == null) {
      problems.add("", "empty spec");
      return problems.list;
    }
    checkId(spec.id(), problems);
    checkSchedule(spec.schedule(), problems);
    if (spec.maxActiveTasks() != null) {
      problems.range("maxActiveTasks", spec.maxActiveTasks(), 1, MAX_ACTIVE_TASKS);
    }
    checkExecutor(spec.executor(), problems);
    checkSource(spec.source(), problems);
    checkTarget(spec.target(), problems);
    checkNotOverwritingSource(spec.source(), spec.target(), problems);
    checkTables(spec.tables(), problems);
    checkRules(spec.rules(), problems);
    checkResources(spec.resources(), problems);
    checkNodeSelector(spec.nodeSelector(), problems);
    checkTolerations(spec.tolerations(), problems);
    checkSubset(spec.subset(), problems);
    checkVerify(spec.verify(), problems);
    return problems.list;
  }

  /**
   * Returns the spec if it is valid.
   *
   * @throws InvalidSpecException listing every problem otherwise
   */
  public static PipelineSpec requireValid(PipelineSpec spec) {
    List<String> problems = validate(spec);
    if (!problems.isEmpty()) {
      String name = spec == null || spec.id() == null ? "(unnamed)" : FieldPaths.printable(spec.id());
      throw new InvalidSpecException(name, problems);
    }
    return spec;
  }

  private static void checkId(String id, Problems problems) {
    if (isBlank(id)) {
      problems.add("id", "required");
    } else if (!ID.matcher(id).matches()) {
      problems.add("id", ID_REASON);
    }
  }

  private static void checkSchedule(String schedule, Problems problems) {
    if (schedule == null) {
      return;
    }
    if (schedule.isBlank()) {
      problems.add("schedule", "must not be blank (leave it out for no schedule)");
      return;
    }
    try {
      CRON.parse(schedule.strip()).validate();
    } catch (IllegalArgumentException e) {
      problems.add("schedule", "not a valid 5-field cron expression"
          + " (minute hour day-of-month month day-of-week): " + cronReason(e));
    }
  }

  private static String cronReason(IllegalArgumentException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    return FieldPaths.printable(message.replaceFirst("^Failed to parse cron expression\\. ", ""));
  }

  private static void checkExecutor(ExecutorSpec executor, Problems problems) {
    if (executor == null) {
      return;
    }
    if (executor.taskTimeoutMinutes() != null) {
      problems.range("executor.taskTimeoutMinutes", executor.taskTimeoutMinutes(),
          1, MAX_TASK_TIMEOUT_MINUTES);
    }
    if (executor.heartbeatTimeoutSeconds() != null) {
      problems.range("executor.heartbeatTimeoutSeconds", executor.heartbeatTimeoutSeconds(),
          MIN_HEARTBEAT_SECONDS, MAX_HEARTBEAT_SECONDS);
    }
    if (executor.maxAttempts() != null) {
      problems.range("executor.maxAttempts", executor.maxAttempts(), 1, MAX_ATTEMPTS);
    }
  }

  private static void checkSource(SourceSpec source, Problems problems) {
    if (source == null) {
      problems.add("source", "required");
      return;
    }
    checkConnection("source.connection", source.connection(), problems);
    if (source.schemas() != null) {
      for (int i = 0; i < source.schemas().size(); i++) {
        String path = FieldPaths.index("source.schemas", i);
        checkIdentifier(path, source.schemas().get(i), problems);
        checkNotSystemSchema(path, source.schemas().get(i), problems);
        if (source.schemas().subList(0, i).contains(source.schemas().get(i))) {
          problems.add(path, "listed twice");
        }
      }
    }
  }

  private static void checkTarget(TargetSpec target, Problems problems) {
    if (target == null) {
      problems.add("target", "required");
      return;
    }
    if (target.delivery() != null) {
      checkDelivery(target, problems);
      return;
    }
    checkConnection("target.connection", target.connection(), problems);
    if (target.schema() != null) {
      problems.add("target.schema", "no longer used: the twin is the whole database of"
          + " target.connection (each run builds a new one and swaps it in), and each source"
          + " schema lands in the schema of the same name; remove target.schema");
    }
    if (target.swapWaitSeconds() != null
        && (target.swapWaitSeconds() < 0 || target.swapWaitSeconds() > 3600)) {
      problems.add("target.swapWaitSeconds", "must be between 0 and 3600");
    }
  }

  private static final Pattern BUCKET =
      Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final int MAX_KEEP = 1000;

  /**
   * A delivery target: files instead of a twin, so none of the twin's fields; {@code to} names
   * where (never with credentials, which live in the agent's storage configuration) and {@code
   * storage} which configured storage. Messages never repeat {@code to}: a mistaken value might
   * hold a secret.
   */
  private static void checkDelivery(TargetSpec target, Problems problems) {
    DeliverySpec delivery = target.delivery();
    if (target.connection() != null) {
      problems.add("target.connection", "not with target.delivery: a target is either a database"
          + " twin (target.connection) or a delivery of files (target.delivery), never both;"
          + " remove one");
    }
    if (target.schema() != null || target.keepPrevious() != null
        || target.keepOwnership() != null || target.swapWaitSeconds() != null
        || target.terminateSessions() != null) {
      problems.add("target", "keepPrevious, keepOwnership, swapWaitSeconds, terminateSessions and"
          + " schema are settings of a database twin, not of target.delivery; remove them");
    }
    String to = delivery.to();
    java.net.URI uri = null;
    if (isBlank(to)) {
      problems.add("target.delivery.to", "required: s3://bucket/prefix or file:///absolute/path");
    } else {
      try {
        uri = new java.net.URI(to);
      } catch (java.net.URISyntaxException e) {
        problems.add("target.delivery.to", "not a URL: expected s3://bucket/prefix or"
            + " file:///absolute/path");
      }
    }
    if (uri != null) {
      if (uri.getRawUserInfo() != null || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        problems.add("target.delivery.to", "must not carry credentials, a query or a fragment:"
            + " credentials belong to the storage configured on the agent"
            + " (target.delivery.storage)");
      } else if ("s3".equals(uri.getScheme())) {
        if (uri.getHost() == null || !BUCKET.matcher(uri.getHost()).matches()) {
          problems.add("target.delivery.to", "s3:// needs a bucket name (3-63 lowercase letters,"
              + " digits, dots and hyphens): s3://bucket/prefix");
        }
        if (uri.getPath() != null && (uri.getPath().contains("//")
            || java.util.Arrays.asList(uri.getPath().split("/")).contains(".."))) {
          problems.add("target.delivery.to", "the prefix must not contain empty or .. segments");
        }
        if (isBlank(delivery.storage())) {
          problems.add("target.delivery.storage", "required for s3://: the name of a storage"
              + " configured on the agent (endpoint, region, credentials; never in the spec)");
        }
      } else if ("file".equals(uri.getScheme())) {
        if (uri.getHost() != null || uri.getPath() == null || !uri.getPath().startsWith("/")
            || java.util.Arrays.asList(uri.getPath().split("/")).contains("..")) {
          problems.add("target.delivery.to", "file:// needs an absolute path without .. segments:"
              + " file:///srv/deliveries");
        }
      } else {
        problems.add("target.delivery.to", "expected s3://bucket/prefix or file:///absolute/path");
      }
    }
    if (delivery.storage() != null) {
      checkConnection("target.delivery.storage", delivery.storage(), problems);
    }
    if (delivery.keep() != null) {
      problems.range("target.delivery.keep", delivery.keep(), 1, MAX_KEEP);
    }
  }

  /**
   * The one mistake that destroys data: the twin is the whole database of target.connection and
   * each run replaces it, so it must never be the source. Compared without regard to case,
   * because connection names that differ only in case may well reach the same database.
   */
  private static void checkNotOverwritingSource(
      SourceSpec source, TargetSpec target, Problems problems) {
    if (source == null || target == null || source.connection() == null
        || !source.connection().equalsIgnoreCase(target.connection())) {
      return;
    }
    problems.add("target.connection", "would overwrite the source: the twin is the whole database"
        + " of target.connection, and it is the same connection as source.connection");
  }

  private static void checkTables(TablesSpec tables, Problems problems) {
    if (tables == null) {
      return;
    }
    checkTablePatterns("tables.include", tables.include(), problems);
    checkTablePatterns("tables.exclude", tables.exclude(), problems);
    if (tables.options() != null) {
      for (Map.Entry<String, TableOptions> entry : tables.options().entrySet()) {
        String path = FieldPaths.field("tables.options", entry.getKey());
        if (!isQualifiedName(entry.getKey(), 2)) {
          problems.add(path, "key must be schema.table (two plain identifiers)");
        } else {
          checkNotSystemSchema(path, entry.getKey().split("\\.")[0], problems);
        }
        checkTableOptions(path, entry.getValue(), problems);
      }
    }
    if (tables.chunkRows() != null && tables.chunkRows() < MIN_CHUNK_ROWS) {
      problems.add("tables.chunkRows", "must be at least " + MIN_CHUNK_ROWS);
    }
  }

  private static void checkTablePatterns(String path, List<String> patterns, Problems problems) {
    if (patterns == null) {
      return;
    }
    for (int i = 0; i < patterns.size(); i++) {
      String pattern = patterns.get(i);
      String itemPath = FieldPaths.index(path, i);
      if (isBlank(pattern)) {
        problems.add(itemPath, "required");
        continue;
      }
      String[] parts = pattern.split("\\.", -1);
      boolean valid = parts.length == 2;
      for (String part : parts) {
        valid &= TABLE_PATTERN_PART.matcher(part).matches();
      }
      if (!valid) {
        problems.add(itemPath, TABLE_PATTERN_REASON);
      } else if (matchesSystemSchema(parts[0])) {
        problems.add(itemPath, SYSTEM_SCHEMA_REASON);
      }
    }
  }

  private static void checkTableOptions(String path, TableOptions options, Problems problems) {
    if (options == null) {
      problems.add(path, "must not be empty (give where, sample or mode, or leave the key out)");
      return;
    }
    if (options.sample() != null) {
      double sample = options.sample();
      if (!(sample > 0 && sample <= 100)) {
        problems.add(path + ".sample", "must be a percentage greater than 0 and at most 100");
      }
    }
    String where = options.where();
    if (where != null) {
      String wherePath = path + ".where";
      if (where.isBlank()) {
        problems.add(wherePath, "must not be blank (leave it out to copy every row)");
      } else if (where.length() > MAX_WHERE_LENGTH) {
        problems.add(wherePath, "longer than " + MAX_WHERE_LENGTH + " characters");
      } else {
        // parsed and allow-listed: an expression over the table's own columns, nothing else
        // (no subqueries, no functions outside RowFilter.FUNCTIONS, no ';', no comments)
        for (String reason : RowFilter.check(where, null).problems()) {
          problems.add(wherePath, reason);
        }
      }
    }
  }

  /**
   * The subset's shape: roots, edge keys and options, virtual keys. Whether the tables, keys and
   * columns exist, and whether the conditions parse, is the planner's check against the source.
   */
  private static void checkSubset(SubsetSpec subset, Problems problems) {
    if (subset == null) {
      return;
    }
    if (subset.effectiveRoots().isEmpty()) {
      problems.add("subset.roots", "required: at least one table and its condition");
    }
    for (Map.Entry<String, SubsetSpec.Root> e : subset.effectiveRoots().entrySet()) {
      String path = FieldPaths.field("subset.roots", e.getKey());
      if (!isQualifiedName(e.getKey(), 2)) {
        problems.add(path, "key must be schema.table (two plain identifiers)");
      }
      SubsetSpec.Root root = e.getValue();
      if (root == null || (isBlank(root.where()) && root.sample() == null)) {
        problems.add(path, "give a condition, or {sample: PERCENT}");
        continue;
      }
      if (root.sample() != null && !(root.sample() > 0 && root.sample() <= 100)) {
        problems.add(path + ".sample", "must be a percentage greater than 0 and at most 100");
      }
      checkCondition(path, root.where(), problems);
    }
    for (Map.Entry<String, SubsetSpec.Edge> e : subset.effectiveEdges().entrySet()) {
      String path = FieldPaths.field("subset.edges", e.getKey());
      if (!isQualifiedName(e.getKey(), 3)) {
        problems.add(path, "key must be schema.table.constraint (three plain identifiers)");
      }
      SubsetSpec.Edge edge = e.getValue();
      if (edge == null) {
        problems.add(path, "must not be empty (give limit, follow or nullIfMissing)");
        continue;
      }
      if (edge.limit() != null && edge.limit() < 1) {
        problems.add(path + ".limit", "must be at least 1 (use follow: false to follow none)");
      }
      if (!edge.followed() && edge.limit() != null) {
        problems.add(path, "limit has no effect with follow: false");
      }
    }
    List<SubsetSpec.VirtualKey> virtual = subset.effectiveVirtualForeignKeys();
    for (int i = 0; i < virtual.size(); i++) {
      String path = FieldPaths.index("subset.virtualForeignKeys", i);
      SubsetSpec.VirtualKey v = virtual.get(i);
      if (v == null) {
        problems.add(path, "required");
        continue;
      }
      if (isBlank(v.from())) {
        problems.add(path + ".from", "required: schema.table.(column, ...)");
      }
      if (isBlank(v.to())) {
        problems.add(path + ".to", "required: schema.table.(column, ...)");
      }
      if (v.name() != null && !isQualifiedName(v.name(), 1)) {
        problems.add(path + ".name", "must be one plain identifier");
      }
      checkCondition(path + ".when", v.when(), problems);
    }
  }

  /** Conditions of a subset are SQL expressions like {@code where}: one expression, no comments. */
  private static void checkCondition(String path, String condition, Problems problems) {
    if (condition == null) {
      return;
    }
    if (condition.isBlank()) {
      problems.add(path, "must not be blank");
    } else if (condition.length() > MAX_WHERE_LENGTH) {
      problems.add(path, "longer than " + MAX_WHERE_LENGTH + " characters");
    } else if (condition.contains(";") || condition.contains("--") || condition.contains("/*")
        || condition.contains("*/")) {
      problems.add(path, "must be one boolean expression, without ';' or SQL comments");
    }
  }

  private static void checkRules(Map<String, RuleSpec> rules, Problems problems) {
    if (rules == null) {
      return;
    }
    for (Map.Entry<String, RuleSpec> entry : rules.entrySet()) {
      String path = FieldPaths.field("rules", entry.getKey());
      if (entry.getKey().equals(Presets.KEY)) {
        RuleSpec preset = entry.getValue();
        String name = Presets.presetName(rules);
        if (preset == null || preset.rule() != null || preset.params().size() != 1
            || name == null) {
          problems.add(path, "must name a preset, as preset: pii-default (known: "
              + String.join(", ", Presets.names()) + ")");
        } else if (Presets.find(name).isEmpty()) {
          problems.add(path, "unknown preset '" + FieldPaths.printable(name) + "' (known: "
              + String.join(", ", Presets.names()) + ")");
        }
        continue;
      }
      if (!isQualifiedName(entry.getKey(), 3)) {
        problems.add(path, "key must be schema.table.column (three plain identifiers)");
      } else {
        checkNotSystemSchema(path, entry.getKey().split("\\.")[0], problems);
      }
      RuleSpec rule = entry.getValue();
      if (rule == null || isBlank(rule.rule())) {
        problems.add(path + ".rule", "required (one of " + String.join(", ", Rules.names()) + ")");
        continue;
      }
      RuleType type = Rules.find(rule.rule());
      if (type == null) {
        problems.add(path + ".rule", "unknown rule '" + FieldPaths.printable(rule.rule())
            + "' (known: " + String.join(", ", Rules.names()) + ")");
        continue;
      }
      for (String problem : type.validate(rule.params())) {
        problems.list.add(path + "." + FieldPaths.printable(problem));
      }
    }
  }

  private static void checkResources(ResourcesSpec resources, Problems problems) {
    if (resources == null) {
      return;
    }
    checkQuantity("resources.cpu", resources.cpu(), "500m or 2", problems);
    checkQuantity("resources.memory", resources.memory(), "512Mi or 2Gi", problems);
  }

  private static void checkQuantity(String path, String quantity, String example, Problems problems) {
    if (quantity == null) {
      return;
    }
    var matcher = QUANTITY.matcher(quantity.strip());
    if (!matcher.matches()) {
      problems.add(path, "must be a Kubernetes quantity such as " + example);
    } else if (!matcher.group("number").matches(".*[1-9].*")) {
      problems.add(path, "must be greater than 0");
    }
  }

  private static void checkNodeSelector(Map<String, String> nodeSelector, Problems problems) {
    if (nodeSelector == null) {
      return;
    }
    for (Map.Entry<String, String> entry : nodeSelector.entrySet()) {
      String key = entry.getKey();
      if (isBlank(key)) {
        problems.add("nodeSelector", "keys must not be blank");
        continue;
      }
      String path = FieldPaths.field("nodeSelector", key);
      if (!isLabelKey(key)) {
        problems.add(path, "key is not a Kubernetes label key ([prefix/]name)");
      }
      String value = entry.getValue();
      if (isBlank(value)) {
        problems.add(path, "value must not be blank");
      } else if (!LABEL_NAME.matcher(value).matches()) {
        problems.add(path, "value is not a Kubernetes label value"
            + " (at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)");
      }
    }
  }

  private static void checkTolerations(List<Toleration> tolerations, Problems problems) {
    if (tolerations == null) {
      return;
    }
    for (int i = 0; i < tolerations.size(); i++) {
      String path = FieldPaths.index("tolerations", i);
      Toleration toleration = tolerations.get(i);
      if (toleration == null) {
        problems.add(path, "must not be empty");
        continue;
      }
      String operator = toleration.operator();
      if (operator != null && !TOLERATION_OPERATORS.contains(operator)) {
        problems.add(path + ".operator", "must be Exists or Equal");
      } else if (isBlank(toleration.key()) && !"Exists".equals(operator)) {
        problems.add(path + ".operator", "must be Exists when key is empty");
      }
      if ("Exists".equals(operator) && !isBlank(toleration.value())) {
        problems.add(path + ".value", "must be empty when operator is Exists");
      }
      String effect = toleration.effect();
      if (!isBlank(effect) && !TOLERATION_EFFECTS.contains(effect)) {
        problems.add(path + ".effect",
            "must be NoSchedule, PreferNoSchedule or NoExecute (or empty for all effects)");
      }
      if (toleration.tolerationSeconds() != null && !"NoExecute".equals(effect)) {
        problems.add(path + ".tolerationSeconds", "only applies to effect NoExecute");
      }
    }
  }

  /**
   * System schemas: PostgreSQL's catalogs ({@code pg_authid} holds password hashes), TOAST and
   * temporary schemas, and Veil's own bookkeeping. Never a source or a target.
   */
  public static boolean isSystemSchema(String schema) {
    if (schema == null) {
      return false;
    }
    String name = schema.toLowerCase(java.util.Locale.ROOT);
    return name.equals("pg_catalog") || name.equals("information_schema")
        || name.equals("_veil") || name.startsWith("pg_toast") || name.startsWith("pg_temp");
  }

  static final String SYSTEM_SCHEMA_REASON =
      "must not name a system schema (pg_catalog, information_schema, pg_toast*, pg_temp*, _veil)";

  private static void checkNotSystemSchema(String path, String schema, Problems problems) {
    if (isSystemSchema(schema)) {
      problems.add(path, SYSTEM_SCHEMA_REASON);
    }
  }

  /**
   * A schema pattern that names a system schema: literally, or with a wildcard after a prefix of
   * one ({@code pg_*}, {@code info*}); a bare {@code *} is left to the source schemas, which
   * cannot be system schemas.
   */
  private static boolean matchesSystemSchema(String pattern) {
    if (!pattern.contains("*")) {
      return isSystemSchema(pattern);
    }
    int star = pattern.indexOf('*');
    if (star < 2) {
      return false;
    }
    Pattern regex = Pattern.compile(
        "(?i)" + Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
    for (String system :
        List.of("pg_catalog", "information_schema", "_veil", "pg_toast", "pg_temp_1")) {
      if (regex.matcher(system).matches()) {
        return true;
      }
    }
    return false;
  }

  private static void checkConnection(String path, String connection, Problems problems) {
    if (isBlank(connection)) {
      problems.add(path, "required");
    } else if (!CONNECTION.matcher(connection).matches()) {
      problems.add(path, CONNECTION_REASON);
    }
  }

  private static void checkIdentifier(String path, String name, Problems problems) {
    if (isBlank(name)) {
      problems.add(path, "required");
    } else if (!IDENTIFIER.matcher(name).matches()) {
      problems.add(path, IDENTIFIER_REASON);
    }
  }

  /** {@code parts} plain identifiers joined by dots. */
  private static boolean isQualifiedName(String name, int parts) {
    if (name == null) {
      return false;
    }
    String[] split = name.split("\\.", -1);
    if (split.length != parts) {
      return false;
    }
    for (String part : split) {
      if (!IDENTIFIER.matcher(part).matches()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLabelKey(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      return LABEL_NAME.matcher(key).matches();
    }
    String prefix = key.substring(0, slash);
    return prefix.length() <= 253 && DNS_SUBDOMAIN.matcher(prefix).matches()
        && LABEL_NAME.matcher(key.substring(slash + 1)).matches();
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }

  /** Collects {@code "<path>: <reason>"} lines. */
  /** {@code verify}: mode comes typed from the loader; sample and minLength are bounded here. */
  private static void checkVerify(VerifySpec verify, Problems problems) {
    if (verify == null) {
      return;
    }
    if (verify.sample() != null
        && (verify.sample().isNaN() || verify.sample() < 1 || verify.sample() > 100)) {
      problems.add("verify.sample", "must be a percentage between 1 and 100");
    }
    if (verify.minLength() != null) {
      problems.range("verify.minLength", verify.minLength(), 1, MAX_VERIFY_MIN_LENGTH);
    }
  }

  private static final class Problems {
    final List<String> list = new ArrayList<>();

    void add(String path, String reason) {
      list.add(FieldPaths.problem(path, reason));
    }

    void range(String path, long value, long min, long max) {
      if (value < min || value > max) {
        add(path, "must be between " + min + " and " + max);
      }
    }
  }
}
