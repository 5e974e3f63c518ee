package io.flnas.space;

import java.util.List;
import java.util.Locale;

/**
 * Ready-made deployment targets: the paper's two (an NVIDIA A10 GPU and a Raspberry Pi 4) and an
 * unconstrained one. The budgets are ours: the paper names the devices, not limits; they are set so
 * that the paper's baselines fit the A10 and only the MobileNets fit the Pi.
 */
public final class DeploymentTargets {
  private DeploymentTargets() {}

  public static final List<String> NAMES = List.of("a10", "pi4", "none");

  /** NVIDIA A10 (24 GB, Ampere): 30 M parameters, 2 GB, 20 ms. */
  public static DeploymentTarget a10() {
    return new DeploymentTarget(
        "NVIDIA A10",
        "a data-centre GPU with 24 GB of memory (Ampere, 31 TFLOPS FP32)",
        30_000_000L,
        2048,
        20);
  }

  /** Raspberry Pi 4 Model B (4 GB, 4x Cortex-A72 CPU): 5 M parameters, 256 MB, 200 ms. */
  public static DeploymentTarget raspberryPi4() {
    return new DeploymentTarget(
        "Raspberry Pi 4",
        "an edge device with a 4-core ARM Cortex-A72 CPU at 1.5 GHz, 4 GB of RAM and no GPU",
        5_000_000L,
        256,
        200);
  }

  /** No budgets at all. */
  public static DeploymentTarget unconstrained() {
    return new DeploymentTarget(
        "unconstrained",
        "any machine; hardware cost is only reported",
        Long.MAX_VALUE,
        Double.POSITIVE_INFINITY,
        Double.POSITIVE_INFINITY);
  }

  /** {@code a10}, {@code pi4} or {@code none}. */
  public static DeploymentTarget byName(String name) {
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "a10":
        return a10();
      case "pi4":
      case "raspberrypi4":
        return raspberryPi4();
      case "none":
      case "unconstrained":
        return unconstrained();
      default:
        throw new IllegalArgumentException(
            "unknown deployment target '" + name + "'; expected one of " + NAMES);
    }
  }
}
