package io.flnas.djl.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The paper's class- and group-balanced subset and its 70/20/10 split, over items with a label and
 * a group index per sensitive attribute, however many attributes there are.
 */
final class BalancedSubset {
  /**
   * Orders group keys (one index per attribute, unknown = -1) attribute by attribute. For sex and
   * age this is the order of the former key {@code (sex+1)*10+age+1}, so a seed draws the same
   * subset as before.
   */
  private static final Comparator<int[]> BY_GROUPS = java.util.Arrays::compare;

  private BalancedSubset() {}

  /**
   * Each class gets an equal share of {@code n} (classes with fewer items give all they have and
   * the rest goes to the others); within a class, items are drawn round-robin over its groups, a
   * group being one combination of the attributes' values (unknown included), so groups are as even
   * as the data allows. Each class's chosen list is in random order, ready to split.
   */
  static <E> Map<Integer, List<E>> choose(
      List<E> items, ToIntFunction<E> label, Function<E, int[]> groups, int n, long seed) {
    Random random = new Random(seed);
    Map<Integer, Map<int[], List<E>>> byGroup = new TreeMap<>();
    for (E item : items) {
      byGroup
          .computeIfAbsent(label.applyAsInt(item), k -> new TreeMap<>(BY_GROUPS))
          .computeIfAbsent(groups.apply(item), k -> new ArrayList<>())
          .add(item);
    }
    Map<Integer, List<E>> roundRobin = new TreeMap<>();
    for (var perClass : byGroup.entrySet()) {
      List<List<E>> lists = new ArrayList<>(perClass.getValue().values());
      for (List<E> group : lists) {
        Collections.shuffle(group, random);
      }
      List<E> order = new ArrayList<>();
      for (int i = 0; order.size() < items.size(); i++) {
        boolean any = false;
        for (List<E> group : lists) {
          if (i < group.size()) {
            order.add(group.get(i));
            any = true;
          }
        }
        if (!any) {
          break;
        }
      }
      roundRobin.put(perClass.getKey(), order);
    }
    int total = Math.min(n, items.size());
    Map<Integer, Integer> quota = new TreeMap<>();
    roundRobin.keySet().forEach(k -> quota.put(k, 0));
    int assigned = 0;
    while (assigned < total) {
      boolean progressed = false;
      for (var e : roundRobin.entrySet()) {
        if (assigned < total && quota.get(e.getKey()) < e.getValue().size()) {
          quota.merge(e.getKey(), 1, Integer::sum);
          assigned++;
          progressed = true;
        }
      }
      if (!progressed) {
        break;
      }
    }
    Map<Integer, List<E>> chosen = new TreeMap<>();
    for (var e : roundRobin.entrySet()) {
      List<E> picked = new ArrayList<>(e.getValue().subList(0, quota.get(e.getKey())));
      Collections.shuffle(picked, random);
      chosen.put(e.getKey(), picked);
    }
    return chosen;
  }

  /**
   * Splits each class 70/20/10 into train, validation and test (in that order), a class with a few
   * items still putting one in validation and one in test.
   */
  static <E> List<List<E>> split(Map<Integer, List<E>> chosen) {
    List<E> train = new ArrayList<>();
    List<E> validation = new ArrayList<>();
    List<E> test = new ArrayList<>();
    for (List<E> perClass : chosen.values()) {
      int n = perClass.size();
      int testCount = Math.max(n >= 3 ? 1 : 0, (int) Math.round(n * 0.1));
      int validationCount = Math.max(n >= 2 ? 1 : 0, (int) Math.round(n * 0.2));
      int trainEnd = n - testCount - validationCount;
      int validationEnd = n - testCount;
      train.addAll(perClass.subList(0, trainEnd));
      validation.addAll(perClass.subList(trainEnd, validationEnd));
      test.addAll(perClass.subList(validationEnd, n));
    }
    return List.of(train, validation, test);
  }
}
