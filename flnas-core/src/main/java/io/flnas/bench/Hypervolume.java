package io.flnas.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The hypervolume of two minimized objectives. */
final class Hypervolume {
  private Hypervolume() {}

  /**
   * The area dominated by {@code points} (both coordinates minimized) and bounded by {@code
   * reference}; points not better than the reference in both coordinates add nothing.
   */
  static double of2d(List<double[]> points, double[] reference) {
    List<double[]> inside = new ArrayList<>();
    for (double[] p : points) {
      if (p[0] < reference[0] && p[1] < reference[1]) {
        inside.add(p);
      }
    }
    inside.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
    double area = 0;
    double ceiling = reference[1];
    for (double[] p : inside) {
      if (p[1] < ceiling) {
        area += (reference[0] - p[0]) * (ceiling - p[1]);
        ceiling = p[1];
      }
    }
    return area;
  }
}
