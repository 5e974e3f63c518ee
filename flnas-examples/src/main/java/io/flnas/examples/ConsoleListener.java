package io.flnas.examples;

import io.flnas.arch.Architecture;
import io.flnas.search.SearchListener;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What the program shows while a search runs: one progress bar over the iterations (on standard
 * error), whose message follows the current trial's training epochs, and one line per finished
 * trial on standard output. One bar rather than two because two bars redrawn on one terminal line
 * would overwrite each other.
 */
final class ConsoleListener implements SearchListener {
  private final PrintStream out;
  private final PrintStream err;
  private final boolean progress;
  private ProgressBar bar;
  private String best = "none yet";
  private final java.util.Map<Integer, String> running = new java.util.TreeMap<>();
  private int ended;

  ConsoleListener(PrintStream out, PrintStream err, boolean progress) {
    this.out = out;
    this.err = err;
    this.progress = progress;
  }

  @Override
  public void searchStarted(int maxIterations, List<Trial> restored) {
    if (!restored.isEmpty()) {
      out.println("resuming: " + restored.size() + " trial(s) restored from the journal");
      restored.forEach(t -> out.println("  " + t.summary()));
    }
    if (progress) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("Search")
              .setInitialMax(maxIterations)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new ConsoleProgressBarConsumer(err))
              .setUpdateIntervalMillis(500)
              .continuousUpdate()
              .build();
      bar.stepTo(restored.size());
    }
    ended = restored.size();
  }

  @Override
  public void trialStarted(int iteration) {
    message("trial " + iteration + ": designing");
  }

  @Override
  public void evaluationStarted(int iteration, Architecture architecture) {
    message("trial " + iteration + ": training " + architecture.convLayerCount() + " conv layers");
  }

  /** A line per placement on a worker, so people see which trials run where. */
  @Override
  public void trialPlaced(int iteration, String worker) {
    if (worker.equals("in-process")) {
      return;
    }
    String name = worker.contains(" ") ? worker.substring(0, worker.indexOf(' ')) : worker;
    running.put(iteration, name);
    out.println(
        "trial " + iteration + " running on " + worker + " (in flight: " + runningText() + ")");
    message("running " + runningText());
  }

  private String runningText() {
    StringBuilder text = new StringBuilder();
    running.forEach(
        (trial, name) ->
            text.append(text.isEmpty() ? "" : ", ")
                .append('#')
                .append(trial)
                .append(' ')
                .append(name));
    return text.toString();
  }

  @Override
  public void epochFinished(int iteration, int epoch, int maxEpochs, double validationLoss) {
    message(
        String.format(
            "trial %d: epoch %d/%d, val loss %.3f", iteration, epoch, maxEpochs, validationLoss));
  }

  @Override
  public void trialFinished(Trial trial, Optional<Trial> bestSoFar) {
    running.remove(trial.iteration());
    ended++;
    out.println(trial.summary());
    best =
        bestSoFar
            .map(
                t ->
                    String.format(
                        "best #%d %.1f%%/%.3f",
                        t.iteration(), 100 * t.result().accuracy(), t.result().unfairness()))
            .orElse("none yet");
    if (bar != null) {
      bar.stepTo(ended);
    }
    message("");
  }

  @Override
  public void searchFinished(SearchResult result) {
    close();
  }

  void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  private void message(String text) {
    if (bar != null) {
      bar.setExtraMessage(text.isEmpty() ? best : text + " | " + best);
    }
  }
}
