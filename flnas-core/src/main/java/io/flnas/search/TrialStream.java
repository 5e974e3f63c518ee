package io.flnas.search;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A run's trials as a lazy stream: restored trials first, then each as it ends. An exhausted
 * stream, or one a trial failed, finishes the run at once; closing the stream finishes it too.
 */
final class TrialStream {
  private TrialStream() {}

  static Stream<Trial> of(Pipeline scheduler) {
    Iterator<Trial> iterator =
        new Iterator<>() {
          private int restoredIndex;

          @Override
          public boolean hasNext() {
            if (!scheduler.opened()) {
              // Nothing read yet: a journal's trials or a new one come (or next() says why not).
              return true;
            }
            if (restoredIndex < scheduler.restored().size()) {
              return true;
            }
            boolean more = guarded(scheduler::hasNext);
            if (!more) {
              scheduler.finish(true);
            }
            return more;
          }

          @Override
          public Trial next() {
            if (restoredIndex < scheduler.restored().size()) {
              return scheduler.restored().get(restoredIndex++);
            }
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return guarded(scheduler::next);
          }

          private <T> T guarded(Supplier<T> step) {
            try {
              return step.get();
            } catch (RuntimeException | Error e) {
              try {
                scheduler.finish(false);
              } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
              }
              throw e;
            }
          }
        };
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                iterator, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(() -> scheduler.finish(false));
  }
}
