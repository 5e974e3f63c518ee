package io.flnas.djl.train;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import java.util.OptionalLong;

/**
 * The C heap, through glibc: how many bytes are in use ({@code mallinfo2}), and giving freed memory
 * back to the system after a trial ({@code malloc_trim}).
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

    MallInfo2 mallinfo2();
  }

  private static final LibC LIBC = load();
  private static final boolean HAS_MALLINFO2 = LIBC != null && probeMallinfo2();

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
}
