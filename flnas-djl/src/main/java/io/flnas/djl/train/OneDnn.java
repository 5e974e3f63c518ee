package io.flnas.djl.train;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether libtorch computes convolutions, pooling and batch norm on the CPU with oneDNN (MKL-DNN)
 * kernels or with its own ({@code at::globalContext().setUserEnabledMkldnn}, what {@code
 * torch.backends.mkldnn.enabled = False} sets in Python). Process-wide, like every libtorch context
 * flag.
 *
 * <p>Why flnas turns oneDNN off by default on the CPU: on AVX-512 machines (seen on AMD EPYC with
 * {@code avx512_vp2intersect}, libtorch 2.7.1 with its bundled oneDNN 3.7.1) oneDNN's kernels gave
 * the same training, with the same seed, different results from run to run; for the notebook's tiny
 * architecture (a 16-to-8-channel 3x3 convolution, which oneDNN computes with an 8-blocked {@code
 * jit:avx2} backward-weights kernel) a NaN training loss in 19 of 20 runs in NCHW order and 9 of 20
 * in channels-last, and the MobileNet-v1 baseline killed the JVM with SIGFPE inside {@code
 * brg_blocking_t::est_eff_1x1}. With oneDNN off the same 20 runs gave one outcome, in either memory
 * order and with 1 or 2 threads (the probe: {@code DeterminismProbe}). libtorch's own kernels
 * (im2col and GEMM) are slower on large convolutions; the default run's cost is measured in {@code
 * docs/benchmarks.md}.
 *
 * <p>NNPACK, libtorch's other fast convolution path, goes off with oneDNN and on with it: once
 * oneDNN is off, libtorch tries NNPACK for every convolution, and where NNPACK cannot start (on
 * these machines: "Unsupported hardware") it prints a warning for every single call.
 *
 * <p>The call goes through JNA to two exported functions of the {@code libtorch_cpu.so} that DJL
 * loaded ({@code at::globalContext()} and {@code at::Context::setUserEnabledMkldnn(bool)}, the
 * latter with the context as its {@code this} argument); the flag is read back through {@code
 * userEnabledMkldnn()}, so a call that did not take effect is reported, never assumed.
 */
public final class OneDnn {
  private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
  private static final String SET_ENABLED = "_ZN2at7Context20setUserEnabledMkldnnEb";
  private static final String ENABLED = "_ZNK2at7Context17userEnabledMkldnnEv";
  private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
  private static final String NNPACK = "_ZNK2at7Context17userEnabledNNPACKEv";

  /**
   * libtorch's context and its four flag functions, looked up once: the evaluator sets the flag at
   * the start of every trial.
   */
  private static final class Functions {
    static final Functions INSTANCE = new Functions();
    final Pointer context;
    final Function setEnabled;
    final Function enabled;
    final Function setNnpack;
    final Function nnpack;
    final String unavailable;

    private Functions() {
      ai.djl.engine.Engine.getEngine("PyTorch");
      Path library = Path.of(LibUtils.getLibtorchPath(), "libtorch_cpu.so");
      Pointer self = null;
      Function[] found = new Function[4];
      String why = null;
      if (!Files.isRegularFile(library)) {
        why = "there is no " + library + " to switch oneDNN in";
      } else {
        try {
          NativeLibrary torch = NativeLibrary.getInstance(library.toString());
          found =
              new Function[] {
                torch.getFunction(SET_ENABLED),
                torch.getFunction(ENABLED),
                torch.getFunction(SET_NNPACK),
                torch.getFunction(NNPACK)
              };
          self = torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
          if (self == null) {
            why = "at::globalContext() returned null";
          }
        } catch (UnsatisfiedLinkError e) {
          why = library + " does not export at::Context::setUserEnabledMkldnn";
        }
      }
      this.context = self;
      this.setEnabled = found[0];
      this.enabled = found[1];
      this.setNnpack = found[2];
      this.nnpack = found[3];
      this.unavailable = why;
    }

    boolean read(Function flag) {
      return (flag.invokeInt(new Object[] {context}) & 0xff) != 0;
    }
  }

  private OneDnn() {}

  /**
   * Turns oneDNN (and NNPACK) on or off for the whole process; returns why it could not, or empty
   * when the flags now read {@code enabled}. Loads the PyTorch engine.
   */
  public static synchronized Optional<String> setEnabled(boolean enabled) {
    Functions f = Functions.INSTANCE;
    if (f.unavailable != null) {
      return Optional.of(f.unavailable);
    }
    byte flag = (byte) (enabled ? 1 : 0);
    f.setEnabled.invokeVoid(new Object[] {f.context, flag});
    f.setNnpack.invokeVoid(new Object[] {f.context, flag});
    boolean now = f.read(f.enabled);
    if (now != enabled) {
      return Optional.of("oneDNN still reads " + (now ? "on" : "off") + " after the call");
    }
    boolean nnpack = f.read(f.nnpack);
    return nnpack == enabled
        ? Optional.empty()
        : Optional.of("NNPACK still reads " + (nnpack ? "on" : "off") + " after the call");
  }

  /** Whether libtorch's oneDNN flag reads on; empty when it cannot be read. */
  public static synchronized Optional<Boolean> enabled() {
    Functions f = Functions.INSTANCE;
    return f.unavailable != null ? Optional.empty() : Optional.of(f.read(f.enabled));
  }
}
