package io.flnas.djl.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Whether a CPU has bfloat16 units: Intel AMX ({@code amx_bf16}, Sapphire Rapids and later) or
 * AVX-512 BF16 ({@code avx512_bf16}, Cooper Lake, Zen 4 and later), read from the flags of {@code
 * /proc/cpuinfo}. Without either, PyTorch still runs bfloat16 convolutions but emulates them in
 * fp32 with conversions around, which is slower than fp32, so bf16 only pays off with them.
 */
public final class Bf16Support {
  /** The CPU flags either of which gives bfloat16 units. */
  public static final List<String> FLAGS = List.of("amx_bf16", "avx512_bf16");

  private final Set<String> flags;
  private final String cpu;

  Bf16Support(Set<String> flags, String cpu) {
    this.flags = Set.copyOf(flags);
    this.cpu = cpu;
  }

  /** This machine's flags; none (so no units) where {@code /proc/cpuinfo} does not exist. */
  public static Bf16Support ofThisMachine() {
    return of(Path.of("/proc/cpuinfo"));
  }

  static Bf16Support of(Path cpuinfo) {
    if (!Files.isReadable(cpuinfo)) {
      return new Bf16Support(Set.of(), "unknown CPU (no " + cpuinfo + ")");
    }
    try {
      List<String> lines = Files.readAllLines(cpuinfo);
      Set<String> flags = new TreeSet<>();
      String cpu = "unknown CPU";
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String key = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        if (key.equals("flags") && flags.isEmpty()) {
          flags.addAll(Arrays.asList(value.split("\\s+")));
        } else if (key.equals("model name") && cpu.equals("unknown CPU")) {
          cpu = value;
        }
      }
      return new Bf16Support(flags, cpu);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + cpuinfo, e);
    }
  }

  /** Whether the CPU has {@code amx_bf16} or {@code avx512_bf16}. */
  public boolean available() {
    return FLAGS.stream().anyMatch(flags::contains);
  }

  /** The bfloat16 flags the CPU has, e.g. {@code [amx_bf16, avx512_bf16]}; empty without units. */
  public List<String> present() {
    return FLAGS.stream().filter(flags::contains).collect(Collectors.toList());
  }

  /** What this CPU offers bfloat16, for messages: its units, or the flags it lacks. */
  String describe() {
    return available()
        ? cpu + " has " + String.join(" and ", present())
        : cpu + " has neither " + String.join(" nor ", FLAGS) + " in /proc/cpuinfo";
  }
}
