package io.flnas.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Casts between fp32 and bfloat16 tensors of the PyTorch engine, the one thing DJL 0.36 cannot
 * express: its JNI maps data types only up to complex64, and a cast to {@code DataType.BFLOAT16}
 * aborts the JVM ({@code throw;} with no exception in {@code GetScalarTypeFromDType}).
 *
 * <p>So the cast calls libtorch itself: {@code at::_ops::to_dtype::call(self, dtype,
 * non_blocking, copy, memory_format)}, an exported function of the {@code libtorch_cpu.so} that
 * DJL loaded, through JNA, with the x86-64 System V calling convention of its C++ signature: the
 * returned {@code at::Tensor} (one {@code intrusive_ptr}, a non-trivial class) is built in memory
 * the caller passes first, which here comes from {@code operator new} so that DJL's own {@code
 * delete} of the handle is the matching release; the {@code ScalarType} is a one-byte enum and
 * the {@code std::optional<MemoryFormat>} two trivially copyable bytes, both in registers. It goes
 * through PyTorch's dispatcher, so autograd sees it: the gradient of a bfloat16 copy flows back to
 * the fp32 original as fp32 ("fp32 master weights"). The result is an ordinary {@link PtNDArray}
 * on the manager given; DJL reports its data type as {@code UNKNOWN} but every operation that does
 * not pass a data type down (convolution, arithmetic, closing) works on it.
 *
 * <p>That signature is libtorch's ABI, not an API: {@link #unavailableBecause()} checks that the
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
        why = "the engine's libtorch is " + version + ", not the " + LIBTORCH
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
   * A bfloat16 copy of an fp32 array, in its memory order, freed with {@code manager} (pass a
   * short-lived one when {@code array} is a parameter); differentiable.
   */
  public static NDArray of(NDArray array, NDManager manager) {
    return cast(array, BFLOAT16, manager);
  }

  /** An fp32 copy of a bfloat16 array made by {@link #of}, freed with its manager. */
  public static NDArray toFloat(NDArray array) {
    return cast(array, FLOAT, array.getManager());
  }

  private static NDArray cast(NDArray array, int scalarType, NDManager manager) {
    Functions functions = Functions.INSTANCE;
    if (functions.unavailable != null) {
      throw new UnsupportedOperationException("bfloat16 is unavailable: "
          + functions.unavailable);
    }
    PtNDArray source = (PtNDArray) array;
    Pointer result = functions.operatorNew.invokePointer(new Object[] {TENSOR_BYTES});
    functions.toDtype.invokeVoid(new Object[] {result, new Pointer(source.getHandle()),
        scalarType, (byte) 0, (byte) 0, (short) 0});
    return new PtNDArray((PtNDManager) manager, Pointer.nativeValue(result));
  }
}
