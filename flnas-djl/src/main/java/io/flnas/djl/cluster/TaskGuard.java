package io.flnas.djl.cluster;

import com.hazelcast.core.ManagedContext;
import com.hazelcast.spi.impl.operationexecutor.OperationRunner;
import com.hazelcast.spi.impl.operationservice.Operation;
import java.lang.reflect.Field;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a flnas member lets its executors run: a {@link TrialCall}, and nothing else. Any member of
 * a Hazelcast cluster may submit a task to another's executor service (the open-source edition has
 * no member authentication), and any {@code Callable} or {@code Runnable} that can be deserialized
 * there would run: Hazelcast's own ({@code com.hazelcast.console.Echo}), or a class of some library
 * on the class path built through reflection. Hazelcast hands every object it deserializes to its
 * {@link ManagedContext} before use, and the executor does so again right before it runs a task, so
 * refusing there refuses every foreign task before it runs.
 *
 * <p>It also stamps each {@link TrialCall} with its arrival: when it arrived (a request queued
 * behind a long trial is judged by when it came, not when its turn comes) and which member sent it,
 * for the worker's log. The sender is read from the Hazelcast operation that carries the task: the
 * executor deserializes tasks on the operation's own thread, and the operation knows its caller's
 * address. No public API exposes it, so it is read through one reflective field of Hazelcast's
 * internals; if a later Hazelcast moves it, a refusal says "an unknown address" instead, and
 * nothing else changes.
 */
final class TaskGuard implements ManagedContext {
  static final String UNKNOWN = "an unknown address";
  private static final Logger LOG = LoggerFactory.getLogger(TaskGuard.class);
  private static final Field CURRENT_RUNNER = currentRunnerField();

  private final Clock clock;

  TaskGuard(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Object initialize(Object object) {
    if (object instanceof TrialCall call) {
      call.arrived(clock.instant(), sender());
      return object;
    }
    if (object instanceof Callable<?> || object instanceof Runnable) {
      String name = object.getClass().getName();
      LOG.warn(
          "refused a task of class {} from {}: a flnas member runs flnas trial requests" + " only",
          name,
          sender());
      throw new SecurityException(
          "refused a task of class "
              + name
              + ": a flnas member runs"
              + " flnas trial requests only");
    }
    return object;
  }

  /** The address of the member whose operation this thread is running, if it can be told. */
  static String sender() {
    if (CURRENT_RUNNER == null
        || !CURRENT_RUNNER.getDeclaringClass().isInstance(Thread.currentThread())) {
      return UNKNOWN;
    }
    try {
      Object runner = CURRENT_RUNNER.get(Thread.currentThread());
      if (runner instanceof OperationRunner r
          && r.currentTask() instanceof Operation op
          && op.getCallerAddress() != null) {
        return op.getCallerAddress().getHost() + ":" + op.getCallerAddress().getPort();
      }
    } catch (IllegalAccessException | RuntimeException e) {
      // An internal Hazelcast changed shape; the address is only for the log.
      return UNKNOWN;
    }
    return UNKNOWN;
  }

  private static Field currentRunnerField() {
    try {
      Field field =
          Class.forName("com.hazelcast.spi.impl.operationexecutor.impl.OperationThread")
              .getDeclaredField("currentRunner");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug(
          "the sender of a request cannot be told in this Hazelcast version: {}", e.toString());
      return null;
    }
  }
}
