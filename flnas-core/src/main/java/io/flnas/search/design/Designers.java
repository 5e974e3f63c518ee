package io.flnas.search.design;

import com.google.common.base.Preconditions;
import io.flnas.arch.Architecture;
import io.flnas.search.Trial;
import io.flnas.search.rank.Objectives;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** Ready-made offline designers: the baselines, and the default when no model is configured. */
public final class Designers {
  private Designers() {}

  /** Random search: a fresh valid sample from the search space each iteration. */
  public static Designer random() {
    return new Designer() {
      @Override
      public Proposal propose(DesignContext context) {
        return Proposal.of(
            context
                .space()
                .sample(
                    context.random(), context.problem().input(), context.problem().numClasses()));
      }

      @Override
      public String name() {
        return "random";
      }
    };
  }

  /** Regularized evolution with a population of 8 and tournaments of 3. */
  public static Designer evolution() {
    return evolution(8, 3);
  }

  /**
   * Regularized (aging) evolution, Real et al. 2019: the population is the last {@code population}
   * completed trials (the oldest die first, whatever their fitness); each iteration draws {@code
   * sampleSize} of them at random, mutates the best by the search's objective, and proposes the
   * child. Until the population is full, proposals are random samples.
   */
  public static Designer evolution(int population, int sampleSize) {
    Preconditions.checkArgument(population > 1, "population must be > 1, but was %s", population);
    Preconditions.checkArgument(
        sampleSize > 0 && sampleSize <= population,
        "sampleSize must be in [1, population=%s], but was %s",
        population,
        sampleSize);
    return new Designer() {
      @Override
      public Proposal propose(DesignContext context) {
        Random random = context.random();
        List<Trial> completed = Objectives.distinctCompleted(context.history());
        if (completed.size() < population) {
          return Proposal.of(
              context
                  .space()
                  .sample(random, context.problem().input(), context.problem().numClasses()));
        }
        List<Trial> alive = completed.subList(completed.size() - population, completed.size());
        List<Trial> tournament = new ArrayList<>();
        for (int i = 0; i < sampleSize; i++) {
          tournament.add(alive.get(random.nextInt(alive.size())));
        }
        Trial parent =
            context
                .objective()
                .best(tournament, context.target())
                .orElse(tournament.stream().max(Comparator.comparingInt(Trial::iteration)).get());
        Architecture child = context.space().mutate(parent.architecture().orElseThrow(), random);
        return Proposal.of(child);
      }

      @Override
      public String name() {
        return "evolution(population=" + population + ", sample=" + sampleSize + ")";
      }
    };
  }

  /**
   * Cost-prior local search with a ridge surrogate: starts from the costliest valid architecture,
   * then proposes the single-position change of the best trials that a ridge regression on the
   * trials so far predicts to be most accurate. Uses only trial results and analytic cost; see
   * {@code SurrogateDesigner} for the details and {@code docs/benchmarks.md} for its curves.
   */
  public static Designer surrogate() {
    return new SurrogateDesigner();
  }

  /** Proposes the given architectures in order, then repeats the last; for baselines and tests. */
  public static Designer fixed(List<Architecture> architectures) {
    Preconditions.checkArgument(!architectures.isEmpty(), "architectures must not be empty");
    List<Architecture> copy = List.copyOf(architectures);
    return new Designer() {
      @Override
      public Proposal propose(DesignContext context) {
        return Proposal.of(copy.get(Math.min(context.iteration(), copy.size()) - 1));
      }

      @Override
      public String name() {
        return "fixed(" + copy.size() + ")";
      }
    };
  }
}
