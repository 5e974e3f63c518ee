/**
 * The promotion stage of the trial pipeline: a {@link io.flnas.search.promote.Promotion} decides
 * which trials train on after their first training. {@link io.flnas.search.promote.Halving} is
 * successive halving on two schedules, asynchronous (ASHA) and synchronous, over a {@link
 * io.flnas.search.promote.RungEvaluator} that continues a trial from its weights.
 */
package io.flnas.search.promote;
