package io.flnas.search;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The trials of one run of a {@link Search} as a lazy stream over its {@link Scheduler}: restored
 * trials first, then new ones as they end. The run finishes when the stream is exhausted, when a
 * step fails, or when the stream is closed.
 */
final class TrialStream {
  private TrialStream() {}

  static Stream<Trial> of(Scheduler scheduler) {
    Iterator<Trial> iterator = new Iterator<>() {
      private int restoredIndex;

      @Override
      public boolean hasNext() {
        if (restoredIndex < scheduler.restored.size()) {
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
        if (restoredIndex < scheduler.restored.size()) {
          return scheduler.restored.get(restoredIndex++);
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
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator,
        Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(() -> scheduler.finish(false));
  }
}
