package io.flnas.djl.bench;

/** Scratch access to the probe's architecture. */
public final class DeterminismProbeAccess {
  private DeterminismProbeAccess() {}

  public static String trial3() {
    return DeterminismProbe.TRIAL_3;
  }
}
