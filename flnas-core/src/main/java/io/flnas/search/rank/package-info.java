/**
 * Ranking trials: {@link io.flnas.search.rank.Metric}s with their directions, the {@link
 * io.flnas.search.rank.Objective} that orders trials ("GetBestMetrics"), the ready-made ones in
 * {@link io.flnas.search.rank.Objectives} (the paper's, weighted, lexicographic, Pareto by
 * non-dominated rank and crowding distance) and Pareto fronts.
 */
package io.flnas.search.rank;
