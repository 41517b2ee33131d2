package dev.veil.app.cli;

import dev.veil.activities.subset.SubsetPreview;
import dev.veil.workflows.plan.ColumnPlan;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.plan.TablePlan;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints a plan for a person: each table with its estimated rows and chunks, each column with its
 * rule (or {@code passthrough}), then warnings and the columns that would be copied unchanged.
 * Only names, types and rule parameters; never a value from the data.
 */
final class PlanPrinter {

  private final PrintStream out;

  PlanPrinter(PrintStream out) {
    this.out = out;
  }

  /** Prints the plan; returns the columns that would pass through without a rule. */
  List<String> print(RunPlan plan) {
    if (plan.delivery() != null) {
      out.printf("pipeline %s: %d table%s from %s (schemas %s) delivered as %s (%s) to %s/%s%n",
          plan.pipelineId(), plan.tables().size(), plan.tables().size() == 1 ? "" : "s",
          plan.sourceConnection(), String.join(", ", plan.schemas()), plan.delivery().format(),
          plan.delivery().compression(), plan.delivery().to(), plan.delivery().runPrefix());
    } else {
      out.printf("pipeline %s: %d table%s from %s (schemas %s) into database %s of %s%n",
          plan.pipelineId(), plan.tables().size(), plan.tables().size() == 1 ? "" : "s",
          plan.sourceConnection(), String.join(", ", plan.schemas()), plan.twinDatabase(),
          plan.targetConnection());
    }
    List<String> passthrough = new ArrayList<>();
    for (TablePlan t : plan.tables()) {
      out.printf("%n%s  ~%d rows, %d chunk%s, mode %s%s%n", t.qualifiedName(), t.estimatedRows(),
          t.chunks().size(), t.chunks().size() == 1 ? "" : "s", t.mode(),
          t.where() == null ? "" : ", filtered");
      int width = t.columns().stream().mapToInt(c -> c.name().length()).max().orElse(4);
      int typeWidth = t.columns().stream().mapToInt(c -> c.type().length()).max().orElse(4);
      for (ColumnPlan c : t.columns()) {
        String rule;
        if (c.generated()) {
          rule = "generated (recomputed)";
        } else if (c.rule() == null) {
          rule = "passthrough";
          passthrough.add(t.qualifiedName() + "." + c.name());
        } else {
          rule = c.rule() + params(c.params());
        }
        out.printf("  %-" + width + "s  %-" + typeWidth + "s  %s%n", c.name(), c.type(), rule);
      }
    }
    if (!plan.warnings().isEmpty()) {
      out.printf("%nwarnings:%n");
      plan.warnings().forEach(w -> out.println("  - " + w));
    }
    out.printf("%n%d column%s would be copied unchanged (no rule)%s%n", passthrough.size(),
        passthrough.size() == 1 ? "" : "s", passthrough.isEmpty() ? "" : ":");
    passthrough.forEach(c -> out.println("  " + c));
    return passthrough;
  }

  /** Prints each table's size in the subset and why it is there. */
  void printSubset(List<SubsetPreview.Size> sizes) {
    if (sizes.isEmpty()) {
      return;
    }
    out.printf("%nsubset:%n");
    int width = sizes.stream().mapToInt(s -> s.table().length()).max().orElse(5);
    for (SubsetPreview.Size s : sizes) {
      out.printf("  %-" + width + "s  %s%d rows  %s%n", s.table(), s.exact() ? "" : "~",
          s.rows(), s.reason());
    }
  }

  private static String params(Map<String, String> params) {
    if (params.isEmpty()) {
      return "";
    }
    return params.entrySet().stream()
        .map(e -> e.getKey() + ": " + e.getValue())
        .collect(Collectors.joining(", ", " {", "}"));
  }
}
