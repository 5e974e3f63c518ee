package io.flnas.examples.report;

import io.flnas.arch.ArchitectureJson;
import io.flnas.metrics.GroupAccuracy;
import io.flnas.search.Baselines;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import io.flnas.space.Templates;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Writes {@code report.md} and {@code report.html} (the same content, rendered with commonmark):
 * the configuration, Table I, the best architecture with its per-group accuracy, the plots and
 * every trial.
 */
public final class Report {
  public static final String MARKDOWN = "report.md";
  public static final String HTML = "report.html";

  private Report() {}

  /**
   * Everything a report shows.
   *
   * @param status "running: n of N trials, updated hh:mm:ss" while the search runs; empty once it
   *     has finished
   */
  public record Content(
      Map<String, String> configuration,
      TableOne table,
      SearchResult result,
      List<Baselines.Baseline> baselines,
      String elapsed,
      String exportNote,
      String status) {
    public boolean running() {
      return !status.isEmpty();
    }
  }

  public static String markdown(Content c) {
    StringBuilder md = new StringBuilder("# FL-NAS search report\n\n");
    if (c.running()) {
      md.append("**")
          .append(c.status())
          .append("** (this report is rewritten after every")
          .append(" trial)\n\n");
    }
    md.append("## Configuration\n\n");
    c.configuration()
        .forEach((k, v) -> md.append("- **").append(k).append("**: ").append(v).append('\n'));
    if (!c.running()) {
      md.append("- **elapsed**: ").append(c.elapsed()).append('\n');
    }
    md.append('\n');
    md.append("## Table I\n\n")
        .append(c.table().toMarkdown())
        .append('\n')
        .append(TableOne.NOTE.replace("*", "\\*"))
        .append(" Selection used the validation split.\n\n");
    c.result()
        .stopReason()
        .ifPresent(r -> md.append("The search stopped early: ").append(r).append("\n\n"));
    md.append("## Best architecture\n\n");
    if (c.result().best().isPresent()) {
      Trial best = c.result().best().get();
      md.append("Trial ")
          .append(best.iteration())
          .append(" by ")
          .append(best.designer())
          .append(": `")
          .append(best.architecture().orElseThrow().summary())
          .append("`\n\n");
      md.append(best.result().metricsParagraph()).append("\n\n");
      md.append(
          "| Group | Validation accuracy % | n | Test accuracy % | n |\n|---|---:|---:|---:|---:|\n");
      List<GroupAccuracy> test = best.result().testFairness().groups();
      for (GroupAccuracy g : best.result().validationFairness().groups()) {
        GroupAccuracy t =
            test.stream()
                .filter(x -> x.attribute().equals(g.attribute()) && x.group().equals(g.group()))
                .findFirst()
                .orElse(null);
        md.append(
            String.format(
                "| %s=%s | %.2f | %d | %s | %s |%n",
                g.attribute(),
                g.group(),
                100 * g.accuracy(),
                g.count(),
                t == null ? "-" : String.format("%.2f", 100 * t.accuracy()),
                t == null ? "-" : String.valueOf(t.count())));
      }
      if (!c.exportNote().isEmpty()) {
        md.append("\n").append(c.exportNote()).append("\n");
      }
      md.append("\n");
      md.append("```python\n")
          .append(Templates.pytorch().render(best.architecture().get()))
          .append("\n```\n\n<details><summary>Architecture JSON</summary>\n\n```json\n")
          .append(ArchitectureJson.writePretty(best.architecture().get()))
          .append("\n```\n\n</details>\n\n");
    } else {
      md.append("No trial completed.\n\n");
    }
    md.append("## Plots\n\n")
        .append("![Accuracy vs unfairness](")
        .append(Plots.SCATTER)
        .append(")\n\n")
        .append("![Best so far](")
        .append(Plots.PROGRESS)
        .append(")\n\n");
    for (String name : Plots.extraNames(c.result().history())) {
      md.append("![").append(name).append("](").append(Plots.metricFile(name)).append(")\n\n");
    }
    if (c.result().best().isPresent()) {
      md.append("![Per-group accuracy](").append(Plots.GROUPS).append(")\n\n");
    }
    md.append("## All trials\n\n");
    for (Trial t : c.result().history()) {
      md.append("- ").append(t.summary().replace("|", "\\|")).append('\n');
    }
    return md.toString();
  }

  /** Writes both files into {@code dir}, each atomically. */
  public static void write(Path dir, Content content) throws IOException {
    String md = markdown(content);
    AtomicFiles.write(dir.resolve(MARKDOWN), md);
    var extensions = List.of(TablesExtension.create());
    Parser parser = Parser.builder().extensions(extensions).build();
    HtmlRenderer renderer = HtmlRenderer.builder().extensions(extensions).build();
    String html =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>FL-NAS report"
            + "</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}"
            + "img{max-width:100%}</style>"
            // while running, the browser reloads the page to follow the search
            + (content.running() ? "<meta http-equiv=\"refresh\" content=\"30\">" : "")
            + "</head><body>\n"
            + renderer.render(parser.parse(md))
            + "</body></html>\n";
    AtomicFiles.write(dir.resolve(HTML), html);
  }
}
