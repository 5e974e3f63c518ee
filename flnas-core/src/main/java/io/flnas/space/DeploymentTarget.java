package io.flnas.space;

import com.google.common.base.Preconditions;
import io.flnas.arch.Cost;
import io.flnas.arch.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the model will run ("Env" in the paper): a name, a description for the prompt, and hard
 * budgets. Parameters and memory are checked analytically before training ({@link #check(Cost)});
 * latency can only be measured, so it is checked on the evaluation ({@link #meets}). Memory is
 * always the analytic inference memory: a measured process peak includes the runtime. Use {@code
 * Long.MAX_VALUE} / {@code Double.POSITIVE_INFINITY} for "no budget".
 */
public record DeploymentTarget(
    String name, String description, long maxParameters, double maxMemoryMb, double maxLatencyMs) {
  public DeploymentTarget {
    Preconditions.checkArgument(name != null && !name.isBlank(), "target name must not be blank");
    Preconditions.checkArgument(description != null, "target description must not be null");
    Preconditions.checkArgument(
        maxParameters > 0, "maxParameters must be > 0, but was %s", maxParameters);
    Preconditions.checkArgument(
        maxMemoryMb > 0, "maxMemoryMb must be > 0, but was %s", maxMemoryMb);
    Preconditions.checkArgument(
        maxLatencyMs > 0, "maxLatencyMs must be > 0, but was %s", maxLatencyMs);
  }

  /**
   * A target without budgets, to narrow with the {@code with} methods: the way to build one that
   * keeps compiling when a budget is added.
   *
   * <pre>{@code
   * DeploymentTarget nano = DeploymentTarget.named("jetson-nano", "NVIDIA Jetson Nano, 4 GB")
   *     .withMaxParameters(2_000_000).withMaxLatencyMs(5);
   * }</pre>
   */
  public static DeploymentTarget named(String name, String description) {
    return new DeploymentTarget(
        name, description, Long.MAX_VALUE, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /** A copy with at most {@code value} trainable parameters. */
  public DeploymentTarget withMaxParameters(long value) {
    return new DeploymentTarget(name, description, value, maxMemoryMb, maxLatencyMs);
  }

  /** A copy with at most {@code value} MB of analytic inference memory. */
  public DeploymentTarget withMaxMemoryMb(double value) {
    return new DeploymentTarget(name, description, maxParameters, value, maxLatencyMs);
  }

  /** A copy with at most {@code value} ms of latency per image at batch size 2. */
  public DeploymentTarget withMaxLatencyMs(double value) {
    return new DeploymentTarget(name, description, maxParameters, maxMemoryMb, value);
  }

  /** Violations of the analytic budgets (parameters, memory); empty when the cost fits. */
  public List<Violation> check(Cost cost) {
    List<Violation> violations = new ArrayList<>();
    if (cost.parameters() > maxParameters) {
      violations.add(
          new Violation(
              "target " + name,
              "parameters must be at most " + maxParameters,
              String.valueOf(cost.parameters())));
    }
    if (cost.memoryMb() > maxMemoryMb) {
      violations.add(
          new Violation(
              "target " + name,
              "inference memory must be at most " + maxMemoryMb + " MB",
              String.format("%.1f MB", cost.memoryMb())));
    }
    return violations;
  }

  /** Whether measured figures fit every budget; NaN (not measured) counts as fitting. */
  public boolean meets(long parameters, double memoryMb, double latencyMs) {
    return parameters <= maxParameters && !(memoryMb > maxMemoryMb) && !(latencyMs > maxLatencyMs);
  }

  /** The paragraph the prompt carries about this target. */
  public String promptText() {
    StringBuilder text = new StringBuilder(name).append(": ").append(description).append(". ");
    text.append("Budgets: ");
    text.append(
        maxParameters == Long.MAX_VALUE
            ? "no parameter limit"
            : "at most " + String.format("%,d", maxParameters) + " parameters");
    text.append(
        Double.isInfinite(maxMemoryMb)
            ? ", no memory limit"
            : String.format(", at most %.0f MB inference memory", maxMemoryMb));
    text.append(
        Double.isInfinite(maxLatencyMs)
            ? ", no latency limit."
            : String.format(", at most %.1f ms latency per image at batch size 2.", maxLatencyMs));
    return text.toString();
  }
}
