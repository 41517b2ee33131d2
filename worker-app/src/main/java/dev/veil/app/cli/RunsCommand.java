package dev.veil.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.veil.activities.config.PipelineSource;
import dev.veil.app.core.PipelineControl;
import dev.veil.app.core.PipelineRunStarter;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.UnknownPipelineException;
import dev.veil.workflows.pipeline.PipelineStatus;
import dev.veil.workflows.pipeline.RunRecord;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code runs [PIPELINE] [--json]}: the recent runs of one pipeline or of all, newest first, with
 * outcome, start, duration, rows and error, as its pipeline workflow recorded them (runs started by
 * {@code veil start}, the REST API, the dashboard or the schedule, and skipped fires).
 */
public class RunsCommand extends ClientCommand {

  private static final DateTimeFormatter STARTED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  public RunsCommand(Console console) {
    super(console, "runs", "Lists recent runs with outcome, duration, rows and error");
  }

  @Override
  public void configure(Subparser subparser) {
    super.configure(subparser);
    subparser
        .addArgument("pipelineId")
        .metavar("PIPELINE")
        .nargs("?")
        .help("only this pipeline's runs");
    subparser.addArgument("--json").action(Arguments.storeTrue()).help("print JSON");
  }

  @Override
  protected int execute(Namespace namespace, ClientSettings settings) throws Exception {
    String only = namespace.getString("pipelineId");
    PipelineSource pipelines = settings.pipelines().get();
    List<String> ids = only == null ? pipelines.ids() : List.of(only);
    if (only != null && !pipelines.ids().contains(only)) {
      try {
        PipelineRunStarter.validate(pipelines, only); // throws, with a suggestion
      } catch (UnknownPipelineException e) {
        throw new ExitException(ExitException.INVALID, "veil runs: " + e.getMessage());
      }
    }
    Map<String, List<RunRecord>> runs = new LinkedHashMap<>();
    try (TemporalClients clients = settings.temporal().connect()) {
      PipelineControl control = new PipelineControl(clients.client(), pipelines);
      for (PipelineControl.PipelineView view : control.list()) {
        if (ids.contains(view.id())) {
          PipelineStatus status = view.status();
          runs.put(view.id(), status == null ? List.of() : newestFirst(status.lastRuns()));
        }
      }
    }
    if (Boolean.TRUE.equals(namespace.getBoolean("json"))) {
      printJson(runs);
    } else {
      print(out(), runs);
    }
    return ExitException.OK;
  }

  private void printJson(Map<String, List<RunRecord>> runs) throws JsonProcessingException {
    List<Map<String, Object>> pipelines = new ArrayList<>();
    runs.forEach((id, list) -> pipelines.add(Map.of("id", id, "runs", list)));
    out().println(console.objectMapper().writeValueAsString(Map.of("pipelines", pipelines)));
  }

  static void print(PrintStream out, Map<String, List<RunRecord>> runs) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"PIPELINE", "RUN", "OUTCOME", "STARTED (UTC)", "DURATION", "ROWS",
        "ERROR"});
    runs.forEach(
        (id, list) -> {
          for (RunRecord r : list) {
            rows.add(new String[] {
              id,
              r.runId(),
              String.valueOf(r.outcome()),
              STARTED.format(Instant.ofEpochMilli(r.startedAtMillis())),
              r.millis() > 0 ? duration(r.millis()) : "",
              r.rows() > 0 ? String.format(Locale.ROOT, "%,d", r.rows()) : "",
              r.error() == null ? "" : r.error()
            });
          }
        });
    if (rows.size() == 1) {
      out.println("no runs yet" + (runs.isEmpty() ? " (no pipelines)" : ""));
      return;
    }
    int[] width = new int[6];
    for (String[] row : rows) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < width.length; i++) {
        String cell = row[i];
        // numbers right-aligned
        line.append(i == 4 || i == 5 ? pad(cell, width[i], true) : pad(cell, width[i], false));
        line.append("  ");
      }
      line.append(row[6]);
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  static String duration(long millis) {
    long s = millis / 1000;
    if (s < 60) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }

  private static String pad(String s, int width, boolean right) {
    String spaces = " ".repeat(Math.max(0, width - s.length()));
    return right ? spaces + s : s + spaces;
  }

  private static List<RunRecord> newestFirst(List<RunRecord> runs) {
    List<RunRecord> list = new ArrayList<>(runs);
    java.util.Collections.reverse(list);
    return list;
  }
}
