package io.flnas.djl.train;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * The C heap, through glibc: how many bytes are in use ({@code mallinfo2}), reusing freed memory
 * within a trial ({@code mallopt}), and giving it back to the system after a trial ({@code
 * malloc_trim}).
 *
 * <p>Why trim: glibc keeps the memory of freed tensors in its arenas for reuse, and a search trains
 * differently shaped networks one after another, so without this the resident set grows with the
 * variety of candidates (2.3 GB over 20 random architectures measured on 2 cores) although little
 * of it is in use. {@code malloc_trim(0)} returns every free page of every arena; it affects only
 * memory nobody holds, so it is safe between trials.
 *
 * <p>Every call's result is checked, and nothing is assumed of the C library: where it lacks a
 * function (not Linux, musl, glibc before 2.33 for {@code mallinfo2}) or a call fails, that is
 * logged once and the process goes on with the allocator's own behaviour. The bytes in use are
 * believed only after a calibration (see {@link #inUse()}); without it the model's memory is not
 * measured and tables and prompts show the analytic figure, labelled so. The functions sit behind
 * {@link CLibrary} so that tests can make each of them fail.
 */
final class NativeMemory {
  /** glibc's {@code struct mallinfo2}: every field a {@code size_t}. */
  @Structure.FieldOrder({
    "arena",
    "ordblks",
    "smblks",
    "hblks",
    "hblkhd",
    "usmblks",
    "fsmblks",
    "uordblks",
    "fordblks",
    "keepcost"
  })
  public static final class MallInfo2 extends Structure implements Structure.ByValue {
    public long arena;
    public long ordblks;
    public long smblks;
    public long hblks;
    public long hblkhd;
    public long usmblks;
    public long fsmblks;
    public long uordblks;
    public long fordblks;
    public long keepcost;
  }

  /**
   * The C library functions this class calls, each under its C name; one the library lacks throws
   * {@link UnsatisfiedLinkError}, as JNA does on the first call of a missing symbol.
   */
  interface CLibrary {
    /** glibc's version, e.g. {@code "2.36"}; missing outside glibc (musl). */
    String gnu_get_libc_version();

    /** 1 where glibc took the setting, 0 where it refused it. */
    int mallopt(int param, int value);

    /** 1 where memory was given back, 0 where there was none to give: never a failure. */
    int malloc_trim(long pad);

    MallInfo2 mallinfo2();

    /**
     * {@code bytes} from the process's {@code malloc}, the one libtorch's tensors come from: an
     * {@code LD_PRELOAD} allocator's where one is loaded, not necessarily glibc's; 0 on failure.
     */
    long malloc(long bytes);

    void free(long address);
  }

  /** glibc's {@code M_TRIM_THRESHOLD}, {@code M_TOP_PAD} and {@code M_MMAP_THRESHOLD}. */
  static final int M_TRIM_THRESHOLD = -1;

  static final int M_TOP_PAD = -2;
  static final int M_MMAP_THRESHOLD = -3;

  /** Blocks below this come from the arenas and are reused; trimming waits until this is free. */
  static final int KEEP_BYTES = 1 << 30;

  /**
   * The highest mmap threshold glibc before 2.35 accepts ({@code HEAP_MAX_SIZE / 2} on 64-bit); it
   * refuses anything above, and the same default is the top of its dynamic threshold.
   */
  static final int OLD_GLIBC_MMAP_MAX = 32 << 20;

  /** The top padding: what glibc asks of the system beyond a request that grows the heap. */
  static final int TOP_PAD = 64 << 20;

  /**
   * In return mode: blocks from this size on are mapped alone and unmapped when freed. The most
   * glibc before 2.35 accepts, and above the largest activation of the 16x16 baselines (4 MiB) and
   * their largest weight gradients (9 MiB), which a lower threshold would fault in anew every step.
   */
  static final int RETURN_MMAP_THRESHOLD = 32 << 20;

  /** In return mode: the free top of a heap beyond this goes back to the system. */
  static final int RETURN_TRIM_THRESHOLD = 64 << 20;

  /** In return mode: what glibc asks of the system beyond a request that grows the heap. */
  static final int RETURN_TOP_PAD = 16 << 20;

  /** Eagerly: blocks from this size on are mapped alone and unmapped when freed. */
  static final int EAGER_MMAP_THRESHOLD = 1 << 20;

  /** Eagerly: the free top of a heap beyond this goes back to the system. */
  static final int EAGER_TRIM_THRESHOLD = 8 << 20;

  /** Eagerly: glibc's own top padding. */
  static final int EAGER_TOP_PAD = 128 << 10;

  /** The allocation the calibration watches {@code mallinfo2} for. */
  static final long CALIBRATION_BYTES = 8 << 20;

  private static final NativeMemory PROCESS =
      new NativeMemory(JnaCLibrary.load(), LoggerFactory.getLogger(NativeMemory.class)::warn);

  private final CLibrary libc;
  private final Consumer<String> warn;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /**
   * The settings in force (mmap threshold, trim threshold, top pad), or null where none of ours
   * took in full (a refused one leaves those before it changed, so nothing is assumed then).
   */
  private List<Integer> inForce;

  /** Settings glibc refused once: not asked again (the refusal was logged). */
  private final Set<List<Integer>> refused = new HashSet<>();

  /** Why {@code mallinfo2} cannot be believed, or empty where it can; null until calibrated. */
  private Optional<String> unmeasurable;

  /**
   * The C heap behind {@code libc} (null where there is none: not Linux); {@code warn} hears each
   * kind of failure once.
   */
  NativeMemory(CLibrary libc, Consumer<String> warn) {
    this.libc = libc;
    this.warn = warn;
  }

  /** This process's C heap. */
  static NativeMemory process() {
    return PROCESS;
  }

  /** Returns free native memory to the system; whether it could ({@link #release()}). */
  static boolean trim() {
    return PROCESS.release();
  }

  /** {@link #keepFreed()} of this process. */
  static boolean reuseFreedMemory() {
    return PROCESS.keepFreed();
  }

  /** What a trial does with freed native memory, chosen by the process peak expected for it. */
  enum Tier {
    /** {@link #keepFreed()}: fastest; the heaps may grow past what is alive. */
    KEEP,
    /** {@link #returnFreed()}: near the expected peak at a little more time. */
    RETURN,
    /** {@link #returnFreedEagerly()}: below the expected peak, at up to three times the time. */
    RETURN_EAGERLY;

    /**
     * The tier of a trial expected to peak at {@code expectedMb}: kept up to {@code keepUpToMb} (0
     * for never), returned up to {@code eagerAboveMb}, eagerly above.
     */
    static Tier of(double expectedMb, double keepUpToMb, double eagerAboveMb) {
      if (keepUpToMb > 0 && expectedMb <= keepUpToMb) {
        return KEEP;
      }
      return expectedMb <= eagerAboveMb ? RETURN : RETURN_EAGERLY;
    }

    /** Puts this tier's settings in force in this process; whether they took. */
    boolean apply() {
      return switch (this) {
        case KEEP -> PROCESS.keepFreed();
        case RETURN -> PROCESS.returnFreed();
        case RETURN_EAGERLY -> PROCESS.returnFreedEagerly();
      };
    }
  }

  /** {@link #inUse()} of this process. */
  static OptionalLong inUseBytes() {
    return PROCESS.inUse();
  }

  /** {@link #mapped()} of this process. */
  static OptionalLong mappedBytes() {
    return PROCESS.mapped();
  }

  /** Returns free native memory to the system ({@code malloc_trim(0)}); whether it could. */
  boolean release() {
    if (libc == null) {
      return false;
    }
    try {
      libc.malloc_trim(0); // 0 only says there was nothing to give back
      return true;
    } catch (UnsatisfiedLinkError e) {
      warnOnce(
          "malloc_trim",
          "the C library has no malloc_trim, so freed native memory stays"
              + " with the allocator between trials: "
              + e.getMessage());
      return false;
    }
  }

  /**
   * Makes glibc keep freed tensor memory for the next allocation instead of unmapping it; whether
   * it did. Set again after {@link #returnFreed()}; false where glibc is missing or refused a
   * setting (logged once, and not asked again).
   *
   * <p>Why: by default glibc serves every block above a threshold (at most 32 MB, adjusted as it
   * goes) with its own {@code mmap} and unmaps it on free, and gives the top of its heaps back
   * whenever more than twice that is free. A training step allocates and frees hundreds of
   * megabytes of activations and gradients (the 64x64 small CNN's first block alone has 33 MB
   * tensors), so every step faulted fresh zeroed pages in: a third of the CPU time of the speed
   * benchmark was the kernel's ({@code sys} 44 s against 213 s {@code user}; 2 s with this). With
   * the mmap threshold and the trim threshold at 1 GiB the blocks stay in the arenas and are reused
   * step after step. What it costs: the native heap holds on to the largest working set of a trial
   * until {@link #trim()} runs, which the evaluator does after every trial, so the resident set
   * between trials is as before. Process-wide (glibc has one setting per process), like {@code
   * trim()}; turn it off with {@link DjlEvaluatorBuilder#reuseFreedMemory}.
   *
   * <p>Settings every glibc accepts, in an order that cannot backfire. Each of the three turns
   * glibc's dynamic thresholds off for good once it is taken, and glibc before 2.35 refuses an mmap
   * threshold above 32 MiB while it always takes the other two. Set as they once were (all three at
   * once, whatever each returned), the 1 GiB mmap threshold was refused there and the trim
   * threshold then froze it at its 128 KiB start, so every block above 128 KiB was mapped and
   * unmapped again. Now the mmap threshold goes first, at 1 GiB from glibc 2.35 on ({@code
   * gnu_get_libc_version}) and at 32 MiB before (the most those take, and the top of their own
   * dynamic threshold); where any setting is refused the ones after it are not made.
   */
  synchronized boolean keepFreed() {
    String version = glibcVersion();
    if (version == null) {
      return false;
    }
    int threshold = atLeast(version, 2, 35) ? KEEP_BYTES : OLD_GLIBC_MMAP_MAX;
    return apply(List.of(threshold, KEEP_BYTES, TOP_PAD), version);
  }

  /**
   * The opposite of {@link #keepFreed()}, for a trial too large to keep its freed memory: glibc
   * maps every block of at least {@value #RETURN_MMAP_THRESHOLD} bytes on its own and unmaps it
   * when it is freed, and gives back the top of a heap beyond {@value #RETURN_TRIM_THRESHOLD}
   * bytes; so the resident set stays near the tensors alive, not the most the heaps ever held.
   * Whether it did.
   *
   * <p>Why: the freed blocks kept in the heaps do not stay a working set. The best-weights copy and
   * the validation pass land amid them, and the holes they leave are more than the next step can
   * fill, so with 1 GiB thresholds the heaps grow well past what is alive (ResNet-34 on the default
   * data: 1.7 GB after four epochs). The thresholds are a trade between that growth and page
   * faults. Measured with {@code MemoryBenchmark} on ResNet-18 (the default data, 4 epochs, one
   * child at a time on 2 quiet cores; mmap / trim threshold / top pad → sampled peak, wall time,
   * system CPU): 1 GiB / 1 GiB / 64 MiB (kept) → 988 MB, 63 s, 6 s; 1 MiB / 8 MiB / 128 KiB → 615
   * MB, 246 s, 157 s; 1 MiB / 64 MiB / 16 MiB → 631 MB, 218 s, 136 s; 8 MiB / 64 MiB / 16 MiB → 737
   * MB, 109 s, 47 s; 32 MiB / 64 MiB / 16 MiB (these) → 754 MB, 79 s, 25 s. Below the largest
   * tensors every step maps and faults them in anew; above, the bound comes from the trim threshold
   * and the trim at every epoch's end. With these, ResNet-34 peaked at 1,230 MB in 131 s,
   * MobileNetV2 at 967 MB and MobileNetV1 at 714 MB. The evaluator still keeps freed memory in
   * trials expected to stay small ({@link DjlEvaluatorBuilder#reuseFreedMemoryBelowMb}), where the
   * growth matters least.
   */
  synchronized boolean returnFreed() {
    String version = glibcVersion();
    return version != null
        && apply(List.of(RETURN_MMAP_THRESHOLD, RETURN_TRIM_THRESHOLD, RETURN_TOP_PAD), version);
  }

  /**
   * As {@link #returnFreed()}, tighter, for a trial expected to need more than the process may
   * hold: every block from {@value #EAGER_MMAP_THRESHOLD} bytes on is mapped alone and the top of a
   * heap beyond {@value #EAGER_TRIM_THRESHOLD} bytes is given back, so the resident set follows the
   * tensors alive, at the price of faulting each step's activations in anew (ResNet-18 on the
   * default data: 615 MB against 754 MB, but 246 s against 79 s for four epochs; ResNet-34 in the
   * README's Maven JVM: 1,377 MB against 1,654 MB). Whether it did.
   */
  synchronized boolean returnFreedEagerly() {
    String version = glibcVersion();
    return version != null
        && apply(List.of(EAGER_MMAP_THRESHOLD, EAGER_TRIM_THRESHOLD, EAGER_TOP_PAD), version);
  }

  /** Puts {@code wanted} in force unless it is already or was refused before; whether it is. */
  private boolean apply(List<Integer> wanted, String version) {
    if (wanted.equals(inForce)) {
      return true;
    }
    if (refused.contains(wanted)) {
      return false;
    }
    boolean took = setAll(wanted.get(0), wanted.get(1), wanted.get(2), version);
    inForce = took ? wanted : null;
    if (!took) {
      refused.add(wanted);
    }
    return took;
  }

  /** glibc's version, or null (logged once) where the C library is missing or not glibc. */
  private String glibcVersion() {
    if (libc == null) {
      return null;
    }
    try {
      return libc.gnu_get_libc_version();
    } catch (UnsatisfiedLinkError e) {
      warnOnce(
          "not glibc",
          "the C library is not glibc (no gnu_get_libc_version), so its"
              + " allocator keeps its own settings; training may spend more time in page faults");
      return null;
    }
  }

  /** The three settings, mmap threshold first; where one is refused the ones after it are not. */
  private boolean setAll(int mmapThreshold, int trimThreshold, int topPad, String version) {
    return set("M_MMAP_THRESHOLD", M_MMAP_THRESHOLD, mmapThreshold, version)
        && set("M_TRIM_THRESHOLD", M_TRIM_THRESHOLD, trimThreshold, version)
        && set("M_TOP_PAD", M_TOP_PAD, topPad, version);
  }

  /** One {@code mallopt} call, its refusal logged once. */
  private boolean set(String name, int param, int value, String version) {
    int result;
    try {
      result = libc.mallopt(param, value);
    } catch (UnsatisfiedLinkError e) {
      warnOnce(
          "mallopt",
          "the C library has no mallopt, so its allocator keeps its own"
              + " settings: "
              + e.getMessage());
      return false;
    }
    if (result != 1) {
      warnOnce(
          "mallopt",
          String.format(
              "mallopt(%s, %d) returned %d on glibc %s; the settings"
                  + " after it are left alone and training may spend more time in page faults",
              name, value, result, version));
      return false;
    }
    return true;
  }

  /** Whether a version such as {@code 2.36} or {@code 2.35.9000} is at least major.minor. */
  static boolean atLeast(String version, int major, int minor) {
    String[] parts = version.trim().split("[.-]");
    try {
      int ma = Integer.parseInt(parts[0]);
      int mi = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0;
      return ma > major || ma == major && mi >= minor;
    } catch (NumberFormatException e) {
      return false; // unreadable: take the setting every version accepts
    }
  }

  /**
   * Bytes of the C heap in use, in every arena and in mapped chunks ({@code uordblks + hblkhd}),
   * where glibc's {@code mallinfo2} can be believed: it must see an allocation of {@value
   * #CALIBRATION_BYTES} bytes through the process's {@code malloc} as that much growth, checked
   * once. It does not where the process allocates through another allocator ({@code LD_PRELOAD} of
   * jemalloc or tcmalloc: glibc then counts almost nothing), and then this is empty, as it is
   * without {@code mallinfo2}; {@link #notMeasuredBecause()} says why.
   */
  OptionalLong inUse() {
    if (notMeasuredBecause().isPresent()) {
      return OptionalLong.empty();
    }
    MallInfo2 info = libc.mallinfo2();
    return OptionalLong.of(info.uordblks + info.hblkhd);
  }

  /** Bytes in blocks glibc mapped one by one ({@code hblkhd}), where it can tell. */
  OptionalLong mapped() {
    if (notMeasuredBecause().isPresent()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(libc.mallinfo2().hblkhd);
  }

  /**
   * Why the C heap's bytes in use cannot be measured here, or empty where they can; calibrates
   * {@code mallinfo2} on the first call and logs the reason once.
   */
  synchronized Optional<String> notMeasuredBecause() {
    if (unmeasurable == null) {
      unmeasurable = calibrate();
      unmeasurable.ifPresent(
          why ->
              warnOnce(
                  "mallinfo2",
                  "model memory is not measured (the"
                      + " analytic figure is shown, labelled so): "
                      + why));
    }
    return unmeasurable;
  }

  private Optional<String> calibrate() {
    if (libc == null) {
      return Optional.of("there is no C library to ask (not Linux)");
    }
    long[] growth = new long[3];
    for (int attempt = 0; attempt < growth.length; attempt++) {
      long before;
      try {
        before = inUseNow();
      } catch (UnsatisfiedLinkError e) {
        return Optional.of("the C library has no mallinfo2 (glibc before 2.33, or not glibc)");
      }
      long address = libc.malloc(CALIBRATION_BYTES);
      if (address == 0) {
        return Optional.of(
            "malloc of " + CALIBRATION_BYTES + " bytes for the calibration" + " failed");
      }
      try {
        growth[attempt] = inUseNow() - before;
      } finally {
        libc.free(address);
      }
      // other threads allocate and free too: one clean attempt of three is enough
      if (Math.abs(growth[attempt] - CALIBRATION_BYTES) <= CALIBRATION_BYTES / 8) {
        return Optional.empty();
      }
    }
    return Optional.of(
        String.format(
            "glibc's mallinfo2 saw an allocation of %d MiB as %s"
                + " bytes of growth, so the process allocates through another allocator (an LD_PRELOAD of"
                + " jemalloc or tcmalloc?)",
            CALIBRATION_BYTES >> 20, java.util.Arrays.toString(growth)));
  }

  private long inUseNow() {
    MallInfo2 info = libc.mallinfo2();
    return info.uordblks + info.hblkhd;
  }

  private void warnOnce(String what, String message) {
    if (warned.add(what)) {
      warn.accept(message);
    }
  }

  /** The C library through JNA; the test allocation through JNA's own {@code malloc}. */
  private static final class JnaCLibrary implements CLibrary {
    private interface LibC extends Library {
      String gnu_get_libc_version();

      int mallopt(int param, int value);

      int malloc_trim(long pad);

      MallInfo2 mallinfo2();
    }

    private final LibC c;

    private JnaCLibrary(LibC c) {
      this.c = c;
    }

    static CLibrary load() {
      if (!Platform.isLinux()) {
        return null;
      }
      try {
        return new JnaCLibrary(Native.load("c", LibC.class));
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        return null;
      }
    }

    @Override
    public String gnu_get_libc_version() {
      return c.gnu_get_libc_version();
    }

    @Override
    public int mallopt(int param, int value) {
      return c.mallopt(param, value);
    }

    @Override
    public int malloc_trim(long pad) {
      return c.malloc_trim(pad);
    }

    @Override
    public MallInfo2 mallinfo2() {
      return c.mallinfo2();
    }

    /**
     * JNA's {@code Native.malloc} calls {@code malloc} from its own library, so it resolves as
     * libtorch's calls do: to an {@code LD_PRELOAD} allocator where there is one. (Looked up in
     * {@code libc.so.6} itself it would be glibc's, whatever the process uses.)
     */
    @Override
    public long malloc(long bytes) {
      return Native.malloc(bytes);
    }

    @Override
    public void free(long address) {
      Native.free(address);
    }
  }
}
