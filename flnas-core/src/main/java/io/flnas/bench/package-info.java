/**
 * Search quality on tabular benchmarks: NAS-Bench-201 and NAS-Bench-Macro as {@link
 * io.flnas.bench.TabularBenchmark}s (every network of a space trained once, its accuracy looked
 * up), an evaluator that answers from the table, and {@link io.flnas.bench.BenchmarkRun}, which
 * repeats designers over many seeds and budgets and reports the test accuracy of the
 * best-by-validation trial next to the published reference points. The tables ship in this module's
 * resources with their provenance ({@code io/flnas/bench/README.md}).
 */
package io.flnas.bench;
