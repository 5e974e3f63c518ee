package io.flnas.djl.cluster;

import com.google.common.base.Preconditions;
import io.flnas.FlNasException;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker processes on this machine, each a separate JVM running {@link WorkerMain}, supervised: a
 * worker that ends for a fresh process ({@link WorkerNode#RECYCLE_EXIT}) or dies is started again
 * (a dead one at most {@value #MAX_RESTARTS} times; one whose Hazelcast member shut down counts as
 * dead). A worker that could not start its member at all ({@link WorkerNode#START_FAILED_EXIT},
 * e.g. nothing matches its bind address) is not started again, since a fresh process would fail the
 * same way. When it gives up on a worker it says so in the log, with the worker's last line, and
 * {@link #gaveUp} completes with that line. {@link #close} stops every process it started, by its
 * handle: SIGTERM first, then SIGKILL after 10 seconds. Each worker's output goes to {@code
 * <name>.log} in the log folder.
 */
public final class LocalWorkers implements AutoCloseable {
  static final int MAX_RESTARTS = 5;
  private static final Logger LOG = LoggerFactory.getLogger(LocalWorkers.class);

  /** What Hazelcast asks of Java 17 to run without a warning; see its documentation. */
  static final List<String> HAZELCAST_JVM_OPTIONS =
      List.of(
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  /**
   * How to start the workers.
   *
   * @param heapMb the JVM heap of each worker
   * @param logDirectory where each worker's output goes
   * @param systemProperties passed on as {@code -D} (e.g. {@code ai.djl.offline})
   */
  public record Launch(int heapMb, Path logDirectory, Map<String, String> systemProperties) {
    public Launch {
      Preconditions.checkArgument(heapMb >= 64, "heapMb must be >= 64, but was %s", heapMb);
      systemProperties = Map.copyOf(systemProperties);
    }
  }

  private final Map<String, Supervised> workers = new LinkedHashMap<>();
  private final CompletableFuture<String> gaveUp = new CompletableFuture<>();
  private volatile boolean closing;

  private LocalWorkers() {}

  /**
   * Starts one process per worker; each joins the cluster at {@code settings.members()} and binds
   * to {@code settings.bind()} from {@code settings.port()} on.
   */
  public static LocalWorkers start(
      List<WorkerNode.Options> options,
      ClusterSettings settings,
      ClusterSecret secret,
      Launch launch) {
    LocalWorkers local = new LocalWorkers();
    try {
      Files.createDirectories(launch.logDirectory());
      for (WorkerNode.Options worker : options) {
        Supervised supervised = local.new Supervised(worker, settings, secret, launch);
        local.workers.put(worker.name(), supervised);
        supervised.launch();
        supervised.watch();
      }
    } catch (IOException | RuntimeException e) {
      local.close();
      throw e instanceof FlNasException f
          ? f
          : new FlNasException("cannot start local workers: " + e.getMessage(), e);
    }
    return local;
  }

  /** The live process of each worker by name, for people and for tests that kill one. */
  public Map<String, ProcessHandle> processes() {
    Map<String, ProcessHandle> live = new LinkedHashMap<>();
    workers.forEach(
        (name, w) -> {
          Process p = w.process;
          if (p != null && p.isAlive()) {
            live.put(name, p.toHandle());
          }
        });
    return live;
  }

  /** Every process this started, alive or not, for checks that nothing is left. */
  public List<ProcessHandle> everyProcess() {
    List<ProcessHandle> all = new ArrayList<>();
    workers.values().forEach(w -> all.addAll(w.started));
    return all;
  }

  /**
   * Completes, with one line saying which worker and why, when this gives up on a worker: it could
   * not start, or died too often. Never completes otherwise.
   */
  public CompletableFuture<String> gaveUp() {
    return gaveUp;
  }

  /** Times a worker was started again, by name. */
  public Map<String, Integer> restarts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    workers.forEach((name, w) -> counts.put(name, w.started.size() - 1));
    return counts;
  }

  @Override
  public void close() {
    closing = true;
    for (Supervised w : workers.values()) {
      for (ProcessHandle p : w.started) {
        p.destroy();
      }
    }
    for (Supervised w : workers.values()) {
      for (ProcessHandle p : w.started) {
        try {
          p.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          p.destroyForcibly();
        }
      }
      if (w.watcher != null) {
        w.watcher.interrupt();
      }
    }
    for (Supervised w : workers.values()) {
      for (ProcessHandle p : w.started) {
        if (p.isAlive()) {
          p.destroyForcibly();
          p.onExit().join();
        }
      }
    }
  }

  /** One worker and the processes started for it. */
  private final class Supervised {
    final WorkerNode.Options options;
    final ClusterSettings settings;
    final ClusterSecret secret;
    final Launch launch;
    final List<ProcessHandle> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile Process process;
    Thread watcher;
    int deaths;

    Supervised(
        WorkerNode.Options options, ClusterSettings settings, ClusterSecret secret, Launch launch) {
      this.options = options;
      this.settings = settings;
      this.secret = secret;
      this.launch = launch;
    }

    void launch() throws IOException {
      List<String> command = new ArrayList<>();
      command.add(javaExecutable());
      command.add("-Xmx" + launch.heapMb() + "m");
      command.add("-XX:+UseSerialGC");
      command.addAll(HAZELCAST_JVM_OPTIONS);
      command.add("-Dhazelcast.logging.type=slf4j");
      command.add("-Dorg.slf4j.simpleLogger.log.com.hazelcast=warn");
      // A member that cannot pick its address ends with its own one line (WorkerMain), which
      // says what Hazelcast's error, logged twice with a stack trace, would.
      command.add("-Dorg.slf4j.simpleLogger.log.com.hazelcast.instance.AddressPicker=off");
      // A reply its member could not send any more (it shut down) is logged whole, signature
      // and all; the worker logs the loss itself.
      command.add(
          "-Dorg.slf4j.simpleLogger.log.com.hazelcast.spi.impl.operationservice.impl"
              + ".OutboundResponseHandler=error");
      launch.systemProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
      command.add("-cp");
      command.add(classPath());
      command.add(WorkerMain.class.getName());
      command.add(WorkerMain.argument(options, settings, ProcessHandle.current().pid()));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(
                      launch.logDirectory().resolve(options.name() + ".log").toFile()));
      builder.environment().putAll(secret.environment());
      synchronized (this) {
        if (closing) {
          return;
        }
        process = builder.start();
        started.add(process.toHandle());
      }
      LOG.info("started {} as process {}", options.name(), process.pid());
    }

    void watch() {
      watcher =
          new Thread(
              () -> {
                while (!closing) {
                  Process current = process;
                  int status;
                  try {
                    status = current.waitFor();
                  } catch (InterruptedException e) {
                    return;
                  }
                  if (closing) {
                    return;
                  }
                  if (status == WorkerNode.START_FAILED_EXIT) {
                    giveUp("could not start (status " + status + ")");
                    return;
                  }
                  if (status != WorkerNode.RECYCLE_EXIT && ++deaths > MAX_RESTARTS) {
                    giveUp("died " + deaths + " times (last status " + status + ")");
                    return;
                  }
                  LOG.info(
                      "{} ended with status {}; starting a fresh process", options.name(), status);
                  try {
                    launch();
                  } catch (IOException e) {
                    giveUp("cannot be started again: " + e.getMessage());
                    return;
                  }
                }
              },
              "flnas-supervise-" + options.name());
      watcher.setDaemon(true);
      watcher.start();
    }

    private void giveUp(String why) {
      Path log = launch.logDirectory().resolve(options.name() + ".log");
      String line =
          "gave up on "
              + options.name()
              + ": it "
              + why
              + "; not starting it again"
              + lastLine(log).map(l -> "; its last words: " + l).orElse("")
              + " (see "
              + log
              + ")";
      LOG.warn(line);
      gaveUp.complete(line);
    }
  }

  /** The last non-blank line of a worker's log, read from its last 4 KB. */
  static Optional<String> lastLine(Path log) {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(0, file.length() - 4096);
      byte[] tail = new byte[(int) (file.length() - from)];
      file.seek(from);
      file.readFully(tail);
      String[] lines = new String(tail, StandardCharsets.UTF_8).split("\\R");
      for (int i = lines.length - 1; i >= 0; i--) {
        if (!lines[i].isBlank()) {
          return Optional.of(lines[i].strip());
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static String javaExecutable() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The class path of this program: the context class loader's URLs (under {@code mvn exec:java}
   * the program's classes are there, not on {@code java.class.path}) and then {@code
   * java.class.path}.
   */
  static String classPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (ClassLoader loader = Thread.currentThread().getContextClassLoader();
        loader != null;
        loader = loader.getParent()) {
      if (loader instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          toPath(url).ifPresent(entries::add);
        }
      }
    }
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static Optional<String> toPath(URL url) {
    try {
      return url.getProtocol().equals("file")
          ? Optional.of(Paths.get(url.toURI()).toString())
          : Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }
}
