package io.flnas.examples;

import io.flnas.arch.Architecture;
import io.flnas.search.SearchListener;
import io.flnas.search.SearchResult;
import io.flnas.search.Trial;
import java.util.List;
import java.util.Optional;

/**
 * A listener a search is built with, bound to the listener it passes events on to once that one
 * exists. The run's report needs the built search (its objective, target and result of a history)
 * and the baselines trained after the build, while a search takes its listeners before it is built;
 * so the search is built once with this stand-in, and the report is bound to it before the search
 * runs. Until then events go nowhere; it is bound once.
 */
final class LateBoundListener implements SearchListener {
  private static final SearchListener NOWHERE = new SearchListener() {};

  private volatile SearchListener bound = NOWHERE;

  /** Passes every later event on to {@code listener}. */
  void bind(SearchListener listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener must not be null");
    }
    if (bound != NOWHERE) {
      throw new IllegalStateException("already bound to " + bound);
    }
    bound = listener;
  }

  @Override
  public void searchStarted(int maxIterations, List<Trial> restored) {
    bound.searchStarted(maxIterations, restored);
  }

  @Override
  public void trialStarted(int iteration) {
    bound.trialStarted(iteration);
  }

  @Override
  public void evaluationStarted(int iteration, Architecture architecture) {
    bound.evaluationStarted(iteration, architecture);
  }

  @Override
  public void trialPlaced(int iteration, String worker) {
    bound.trialPlaced(iteration, worker);
  }

  @Override
  public void epochFinished(int iteration, int epoch, int maxEpochs, double validationLoss) {
    bound.epochFinished(iteration, epoch, maxEpochs, validationLoss);
  }

  @Override
  public void trialFinished(Trial trial, Optional<Trial> best) {
    bound.trialFinished(trial, best);
  }

  @Override
  public void searchFinished(SearchResult result) {
    bound.searchFinished(result);
  }
}
