package io.flnas.search.screen;

import com.google.common.base.Preconditions;
import io.flnas.arch.Architecture;
import io.flnas.search.Search;
import io.flnas.search.design.DesignContext;
import io.flnas.search.design.Exchange;
import io.flnas.search.design.Proposal;
import io.flnas.space.DeploymentTarget;
import io.flnas.space.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-cost pre-screen of a search (see {@link io.flnas.search.Search.Builder#prescreen}), a
 * {@link Screen}: a round asks the designer for {@code candidatesPerSlot} proposals per free slot,
 * scores each valid one with the proxy, and keeps as many as there are free slots, the best-scoring
 * first.
 *
 * <p>Numbering: candidates consume no trial numbers. The candidates of the slot of trial {@code n}
 * share its number; the first uses the trial's own generator (so one candidate per slot proposes
 * exactly what a search without a pre-screen would), the others generators derived from it. The
 * kept candidates become trials {@code n, n+1, ...} in the order they were proposed; the others are
 * logged, not recorded, so the journal, {@code maxIterations} and the stop rules count trials as
 * before. Because the scores and the generators are deterministic, a resumed search designs and
 * keeps what an uninterrupted one would.
 *
 * <p>Every model exchange of the round goes with its first trial, in the order the exchanges were
 * made (the convention of a batch request), so tokens and replays stay whole when the candidate
 * that asked is screened out.
 */
public record Prescreen(
    ProxyScorer scorer, int candidatesPerSlot, SearchSpace space, DeploymentTarget target)
    implements Screen {
  private static final Logger LOG = LoggerFactory.getLogger(Prescreen.class);

  public Prescreen {
    Preconditions.checkArgument(scorer != null, "scorer must not be null");
    Preconditions.checkArgument(
        candidatesPerSlot > 0, "candidatesPerSlot must be > 0, but was %s", candidatesPerSlot);
  }

  private record Candidate(int index, Proposal proposal, OptionalDouble score) {}

  /** For the fingerprint: {@code naswot(batch=64 seed=42) x4}. */
  @Override
  public String describe() {
    return scorer.name() + " x" + candidatesPerSlot;
  }

  /** Each slot's contexts: its own first, then {@code candidatesPerSlot - 1} more. */
  @Override
  public List<DesignContext> expand(List<DesignContext> slots, long seed) {
    List<DesignContext> candidates = new ArrayList<>();
    for (DesignContext slot : slots) {
      candidates.add(slot);
      for (int j = 1; j < candidatesPerSlot; j++) {
        candidates.add(
            new DesignContext(
                slot.iteration(),
                slot.history(),
                slot.best(),
                slot.problem(),
                slot.space(),
                slot.template(),
                slot.target(),
                slot.objective(),
                candidateRandom(seed, slot.iteration(), j),
                slot.round(),
                slot.running()));
      }
    }
    return candidates;
  }

  /** The generator of candidate {@code candidate} (from 1) of trial {@code iteration}'s slot. */
  public static Random candidateRandom(long seed, int iteration, int candidate) {
    return new Random(
        Search.iterationRandom(seed, iteration).nextLong() + candidate * 0x632BE59BD9B4E019L);
  }

  /**
   * The {@code free} proposals to hand off, in proposal order: valid candidates by descending score
   * (ties to the earlier; an architecture already kept this round is skipped), then, if too few are
   * valid, failed or invalid ones in proposal order, so that the round still records why.
   */
  @Override
  public List<Kept> select(List<Proposal> proposals, int free) {
    List<Candidate> valid = new ArrayList<>();
    List<Candidate> rest = new ArrayList<>();
    for (int i = 0; i < proposals.size(); i++) {
      Proposal proposal = proposals.get(i);
      if (proposal.failure().isEmpty()
          && DesignContext.violations(proposal.architecture(), space, target).isEmpty()) {
        valid.add(new Candidate(i, proposal, score(proposal.architecture())));
      } else {
        rest.add(new Candidate(i, proposal, OptionalDouble.empty()));
      }
    }
    valid.sort(
        Comparator.comparing((Candidate c) -> c.score().isEmpty())
            .thenComparing(c -> -c.score().orElse(0))
            .thenComparingInt(Candidate::index));
    List<Candidate> kept = new ArrayList<>();
    Set<String> hashes = new HashSet<>();
    for (Candidate candidate : valid) {
      if (kept.size() < free && hashes.add(candidate.proposal().architecture().hash())) {
        kept.add(candidate);
      } else {
        rest.add(candidate);
      }
    }
    rest.sort(Comparator.comparingInt(Candidate::index));
    for (int i = 0; kept.size() < free && i < rest.size(); i++) {
      kept.add(rest.get(i));
    }
    kept.sort(Comparator.comparingInt(Candidate::index));
    for (Candidate candidate : rest) {
      if (!kept.contains(candidate)) {
        Proposal p = candidate.proposal();
        LOG.info(
            "pre-screen: candidate {} of {} screened out: {}{}",
            candidate.index() + 1,
            proposals.size(),
            p.failure().orElseGet(() -> p.architecture().summary()),
            candidate.score().isPresent() ? " proxy " + candidate.score().getAsDouble() : "");
      }
    }
    List<Exchange> exchanges = proposals.stream().flatMap(p -> p.exchanges().stream()).toList();
    List<Kept> answer = new ArrayList<>();
    for (Candidate candidate : kept) {
      List<Exchange> attached = answer.isEmpty() ? exchanges : List.of();
      Proposal proposal = candidate.proposal();
      answer.add(
          new Kept(
              proposal.failure().isPresent()
                  ? Proposal.failed(proposal.failure().get(), attached)
                  : new Proposal(proposal.architecture(), attached),
              candidate.score()));
    }
    return answer;
  }

  /** The proxy score; empty (ranked last) when the scorer throws or answers NaN. */
  private OptionalDouble score(Architecture architecture) {
    try {
      double score = scorer.score(architecture);
      if (Double.isNaN(score)) {
        LOG.warn("proxy {} scored {} NaN; ranked last", scorer.name(), architecture.summary());
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(score);
    } catch (RuntimeException e) {
      LOG.warn("proxy {} failed on {}; ranked last", scorer.name(), architecture.summary(), e);
      return OptionalDouble.empty();
    }
  }
}
