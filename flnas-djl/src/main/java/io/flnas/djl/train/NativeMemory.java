package io.flnas.djl.train;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import java.util.OptionalLong;

/**
 * The C heap, through glibc: how many bytes are in use ({@code mallinfo2}), reusing freed memory
 * within a trial ({@code mallopt}), and giving it back to the system after a trial ({@code
 * malloc_trim}).
 *
 * <p>Why trim: glibc keeps the memory of freed tensors in its arenas for reuse, and a search trains
 * differently shaped networks one after another, so without this the resident set grows with the
 * variety of candidates (2.3 GB over 20 random architectures measured on 2 cores) although little
 * of it is in use. {@code malloc_trim(0)} returns every free page of every arena; it affects only
 * memory nobody holds, so it is safe between trials. Where the C library lacks either function
 * (not Linux, musl, glibc before 2.33 for {@code mallinfo2}) the calls do nothing.
 */
final class NativeMemory {
  /** glibc's {@code struct mallinfo2}: every field a {@code size_t}. */
  @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
      "uordblks", "fordblks", "keepcost"})
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

  private interface LibC extends Library {
    int malloc_trim(long pad);

    int mallopt(int param, int value);

    MallInfo2 mallinfo2();
  }

  private static final LibC LIBC = load();
  private static final boolean HAS_MALLINFO2 = LIBC != null && probeMallinfo2();

  /** glibc's {@code M_TRIM_THRESHOLD}, {@code M_TOP_PAD} and {@code M_MMAP_THRESHOLD}. */
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_TOP_PAD = -2;
  private static final int M_MMAP_THRESHOLD = -3;
  /** Blocks below this come from the arenas and are reused; trimming waits until this is free. */
  static final int KEEP_BYTES = 1 << 30;

  private static boolean reusing;

  private NativeMemory() {}

  private static LibC load() {
    if (!Platform.isLinux()) {
      return null;
    }
    try {
      LibC libc = Native.load("c", LibC.class);
      libc.malloc_trim(0);
      return libc;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null;
    }
  }

  private static boolean probeMallinfo2() {
    try {
      LIBC.mallinfo2();
      return true;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return false;
    }
  }

  /** Returns free native memory to the system; whether it could. */
  static boolean trim() {
    if (LIBC == null) {
      return false;
    }
    LIBC.malloc_trim(0);
    return true;
  }

  /**
   * Makes glibc keep freed tensor memory for the next allocation instead of unmapping it; whether
   * it could. Once per process; a no-op where glibc is missing.
   *
   * <p>Why: by default glibc serves every block above a threshold (at most 32 MB, adjusted as it
   * goes) with its own {@code mmap} and unmaps it on free, and gives the top of its heaps back
   * whenever more than twice that is free. A training step allocates and frees hundreds of
   * megabytes of activations and gradients (the 64x64 small CNN's first block alone has 33 MB
   * tensors), so every step faulted fresh zeroed pages in: a third of the CPU time of the speed
   * benchmark was the kernel's ({@code sys} 44 s against 213 s {@code user}; 2 s with this). With
   * the mmap threshold and the trim threshold at 1 GiB the blocks stay in the arenas and are
   * reused step after step. What it costs: the native heap holds on to the largest working set
   * of a trial until {@link #trim()} runs, which the evaluator does after every trial, so the
   * resident set between trials is as before. Process-wide (glibc has one setting per process),
   * like {@code trim()}; turn it off with {@link DjlEvaluatorBuilder#reuseFreedMemory}.
   */
  @SuppressWarnings("ShortCircuitBoolean") // all three mallopt calls run, whatever each returns
  static synchronized boolean reuseFreedMemory() {
    if (LIBC != null && !reusing) {
      reusing = LIBC.mallopt(M_MMAP_THRESHOLD, KEEP_BYTES) == 1
          & LIBC.mallopt(M_TRIM_THRESHOLD, KEEP_BYTES) == 1
          & LIBC.mallopt(M_TOP_PAD, 64 << 20) == 1;
    }
    return reusing;
  }

  /**
   * Bytes of the C heap in use, in every arena and in mapped chunks ({@code uordblks + hblkhd}),
   * where glibc can tell.
   */
  static OptionalLong inUseBytes() {
    if (!HAS_MALLINFO2) {
      return OptionalLong.empty();
    }
    MallInfo2 info = LIBC.mallinfo2();
    return OptionalLong.of(info.uordblks + info.hblkhd);
  }

  /** Bytes in blocks glibc mapped one by one ({@code hblkhd}), where it can tell. */
  static OptionalLong mappedBytes() {
    if (!HAS_MALLINFO2) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(LIBC.mallinfo2().hblkhd);
  }
}
