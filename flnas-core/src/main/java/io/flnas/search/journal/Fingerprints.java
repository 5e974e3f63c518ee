package io.flnas.search.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Comparing configuration fingerprints: what differs, said so a person can fix it. */
public final class Fingerprints {
  private Fingerprints() {}

  /**
   * The keys whose values differ, as {@code key: <a name> has 'x', <b name> has 'y'} joined by
   * {@code "; "}; empty when the two are equal.
   */
  public static String differences(
      Map<String, String> a, String aName, Map<String, String> b, String bName) {
    List<String> parts = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (String key : keys) {
      String x = a.get(key);
      String y = b.get(key);
      if (x == null || !x.equals(y)) {
        parts.add(key + ": " + aName + " has '" + x + "', " + bName + " has '" + y + "'");
      }
    }
    return String.join("; ", parts);
  }
}
