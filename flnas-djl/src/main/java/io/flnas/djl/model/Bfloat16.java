package io.flnas.djl.model;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.flnas.djl.train.PrecisionUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Casts between fp32 and bfloat16 tensors of the PyTorch engine, the one thing DJL 0.36 cannot
 * express: its JNI maps data types only up to complex64, and a cast to {@code DataType.BFLOAT16}
 * aborts the JVM ({@code throw;} with no exception in {@code GetScalarTypeFromDType}).
 *
 * <p>So the cast calls libtorch itself: {@code at::_ops::to_dtype::call(self, dtype, non_blocking,
 * copy, memory_format)}, an exported function of the {@code libtorch_cpu.so} that DJL loaded,
 * through JNA, with the x86-64 System V calling convention of its C++ signature: the returned
 * {@code at::Tensor} (one {@code intrusive_ptr}, a non-trivial class) is built in memory the caller
 * passes first, which here comes from {@code operator new} so that DJL's own {@code delete} of the
 * handle is the matching release; the {@code ScalarType} is a one-byte enum and the {@code
 * std::optional<MemoryFormat>} two trivially copyable bytes, both in registers. It goes through
 * PyTorch's dispatcher, so autograd sees it: the gradient of a bfloat16 copy flows back to the fp32
 * original as fp32 ("fp32 master weights"). The result is an ordinary {@link PtNDArray} on the
 * manager given; DJL reports its data type as {@code UNKNOWN} but every operation that does not
 * pass a data type down (convolution, arithmetic, closing) works on it. The cast back to fp32 is
 * the same call: DJL's own {@code toType(FLOAT32)} would run, but its result leaves autograd's
 * graph, so no gradient would reach the convolution's weights.
 *
 * <p><b>Errors.</b> DJL's JNI turns an exception libtorch throws into an {@code EngineException};
 * this hand-made call has nobody to catch it, so an exception libtorch throws inside it unwinds
 * into the C frames of JNA and ends the JVM ({@code std::terminate}, "terminate called after
 * throwing an instance of 'c10::Error'"). What the cast can throw is known: its input is an fp32 or
 * bfloat16 tensor on the CPU, so only the allocation of the result can fail. Hence the call is made
 * only where that failure is ruled out beforehand, and refused with a Java exception otherwise:
 *
 * <ul>
 *   <li>on a GPU it is refused ({@link PrecisionUnavailableException}): a CUDA allocation fails
 *       whenever the caching allocator's pool is exhausted or fragmented, which no size check can
 *       foresee, and a CUDA out-of-memory would abort the JVM instead of failing the trial;
 *   <li>on the CPU a cast whose result exceeds what the kernel can ever commit (memory plus swap,
 *       or the commit limit left under strict overcommit) is refused with an {@link
 *       EngineException}, the exception DJL's own ops give for the same failed allocation. Below
 *       that, glibc's {@code malloc} does not fail under Linux's default overcommit (the kernel's
 *       out-of-memory killer ends a process that touches more than there is, for DJL's own
 *       operations as much as for this one); an address-space limit ({@code ulimit -v}) is the one
 *       case left where an allocation below the limit fails, and then this still aborts.
 * </ul>
 *
 * <p>The signature is libtorch's ABI, not an API: {@link #unavailableBecause()} checks that the
 * loaded library is the one this was written against (2.7.1, x86-64 Linux) and exports the symbol,
 * and says what is missing otherwise, instead of calling into the unknown.
 */
public final class Bfloat16 {
  /** The libtorch whose {@code to_dtype} ABI this calls. */
  static final String LIBTORCH = "2.7.1";

  private static final String TO_DTYPE =
      "_ZN2at4_ops8to_dtype4callERKNS_6TensorEN3c1010ScalarTypeEbbSt8optionalINS5_12MemoryFormatEE";

  /** {@code operator new(unsigned long)}. */
  private static final String OPERATOR_NEW = "_Znwm";

  /** {@code c10::ScalarType} codes. */
  private static final int FLOAT = 6;

  private static final int BFLOAT16 = 15;

  /** {@code sizeof(at::Tensor)}: one pointer. */
  private static final long TENSOR_BYTES = 8;

  private static final class Functions {
    static final Functions INSTANCE = new Functions();
    final Function toDtype;
    final Function operatorNew;
    final String unavailable;

    private Functions() {
      Function cast = null;
      Function allocate = null;
      String why = null;
      ai.djl.engine.Engine.getEngine("PyTorch");
      String version = LibUtils.getVersion();
      Path library = Path.of(LibUtils.getLibtorchPath(), "libtorch_cpu.so");
      String arch = System.getProperty("os.arch");
      if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
        why = "the bfloat16 cast is written for x86-64, not " + arch;
      } else if (!LIBTORCH.equals(version)) {
        why =
            "the engine's libtorch is "
                + version
                + ", not the "
                + LIBTORCH
                + " whose bfloat16 cast this calls";
      } else if (!Files.isRegularFile(library)) {
        why = "there is no " + library + " (is this Linux?)";
      } else {
        try {
          NativeLibrary torch = NativeLibrary.getInstance(library.toString());
          cast = torch.getFunction(TO_DTYPE);
          allocate = torch.getFunction(OPERATOR_NEW);
        } catch (UnsatisfiedLinkError e) {
          why = library + " does not export at::_ops::to_dtype::call";
        }
      }
      this.toDtype = why == null ? cast : null;
      this.operatorNew = why == null ? allocate : null;
      this.unavailable = why;
    }
  }

  private Bfloat16() {}

  /**
   * Why bfloat16 tensors cannot be made here, or empty when they can. Loads the PyTorch engine.
   * Says nothing about speed: without bfloat16 units libtorch still computes, in emulation.
   */
  public static Optional<String> unavailableBecause() {
    return Optional.ofNullable(Functions.INSTANCE.unavailable);
  }

  /**
   * Why bfloat16 casts are refused on {@code device}, or empty where they run (the CPU): on a GPU
   * an error in the cast would end the JVM (see the class comment).
   */
  public static Optional<String> refusedOn(Device device) {
    return device.isGpu()
        ? Optional.of(
            "bfloat16 casts are refused on "
                + device
                + ": the"
                + " cast calls libtorch outside DJL's error handling, so a CUDA error in it (an"
                + " out-of-memory, say) would abort the JVM instead of failing the trial")
        : Optional.empty();
  }

  /**
   * A bfloat16 copy of an fp32 array, in its memory order, freed with {@code manager} (pass a
   * short-lived one when {@code array} is a parameter); differentiable.
   *
   * @throws PrecisionUnavailableException where the array is on a GPU (see the class comment)
   * @throws EngineException where the copy needs more memory than the machine can ever commit,
   *     before libtorch is called
   */
  public static NDArray of(NDArray array, NDManager manager) {
    return cast(array, BFLOAT16, 2, manager);
  }

  /**
   * An fp32 copy of a bfloat16 array made by {@link #of}, freed with its manager; differentiable.
   * Refused as {@link #of} is.
   */
  public static NDArray toFloat(NDArray array) {
    return cast(array, FLOAT, 4, array.getManager());
  }

  private static NDArray cast(NDArray array, int scalarType, int bytesPerValue, NDManager manager) {
    Optional<String> refused = refusedOn(array.getDevice());
    if (refused.isPresent()) {
      throw new PrecisionUnavailableException(refused.get() + "; use Precision.FP32");
    }
    Functions functions = Functions.INSTANCE;
    if (functions.unavailable != null) {
      throw new UnsupportedOperationException("bfloat16 is unavailable: " + functions.unavailable);
    }
    PtNDArray source = (PtNDArray) array;
    long bytes = Math.multiplyExact(source.size(), (long) bytesPerValue);
    OptionalLong limit = CommitLimit.bytesLeft();
    if (limit.isPresent() && bytes > limit.getAsLong()) {
      throw new EngineException(
          (scalarType == BFLOAT16 ? "a bfloat16" : "an fp32")
              + " copy of "
              + source.getShape()
              + " needs "
              + mib(bytes)
              + ", more than this"
              + " machine can allocate ("
              + mib(limit.getAsLong())
              + " "
              + CommitLimit.what()
              + "); refused before calling libtorch, whose allocation error there would abort the"
              + " JVM");
    }
    Pointer result = functions.operatorNew.invokePointer(new Object[] {TENSOR_BYTES});
    functions.toDtype.invokeVoid(
        new Object[] {
          result, new Pointer(source.getHandle()), scalarType, (byte) 0, (byte) 0, (short) 0
        });
    return new PtNDArray((PtNDManager) manager, Pointer.nativeValue(result));
  }

  private static String mib(long bytes) {
    return String.format("%,d MiB", bytes >> 20);
  }

  /**
   * What the kernel can commit to one allocation at most, from {@code /proc}: memory plus swap
   * under the default heuristic overcommit (it refuses a single allocation beyond that), or the
   * commit limit left under strict overcommit ({@code vm.overcommit_memory = 2}), read at each call
   * since it changes.
   */
  static final class CommitLimit {
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final boolean STRICT = strict();
    private static final OptionalLong TOTAL =
        STRICT ? OptionalLong.empty() : sum(read(), "MemTotal", "SwapTotal");

    private CommitLimit() {}

    /** Bytes one allocation can get at most; empty where {@code /proc} cannot tell. */
    static OptionalLong bytesLeft() {
      if (!STRICT) {
        return TOTAL;
      }
      List<String> lines = read();
      OptionalLong limit = sum(lines, "CommitLimit");
      OptionalLong committed = sum(lines, "Committed_AS");
      return limit.isPresent() && committed.isPresent()
          ? OptionalLong.of(Math.max(0, limit.getAsLong() - committed.getAsLong()))
          : OptionalLong.empty();
    }

    static String what() {
      return STRICT ? "of commit limit left under strict overcommit" : "of memory and swap";
    }

    private static boolean strict() {
      try {
        return Files.readString(Path.of("/proc/sys/vm/overcommit_memory")).trim().equals("2");
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }

    private static List<String> read() {
      try {
        return Files.readAllLines(MEMINFO);
      } catch (IOException | RuntimeException e) {
        return List.of();
      }
    }

    /** The sum of {@code /proc/meminfo} fields (in kB there), bytes; empty if one is missing. */
    private static OptionalLong sum(List<String> lines, String... fields) {
      long total = 0;
      for (String field : fields) {
        OptionalLong kb =
            lines.stream()
                .filter(l -> l.startsWith(field + ":"))
                .mapToLong(
                    l -> Long.parseLong(l.substring(field.length() + 1).trim().split("\\s+")[0]))
                .findFirst();
        if (kb.isEmpty()) {
          return OptionalLong.empty();
        }
        total += kb.getAsLong() * 1024;
      }
      return OptionalLong.of(total);
    }
  }
}
