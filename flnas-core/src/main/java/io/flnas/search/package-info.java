/**
 * The search loop and its values: {@link io.flnas.search.Search} and its builder, the trial
 * pipeline that runs it (propose, screen, check and de-duplicate, execute, record, promote), the
 * {@link io.flnas.search.Trial} and {@link io.flnas.search.SearchResult} it produces, the {@link
 * io.flnas.search.Evaluator} and {@link io.flnas.search.TrialExecutor} that train trials, stop
 * rules and listeners. The stages' contracts live beside it: designers in {@code design}, the
 * screen in {@code screen}, promotion (successive halving) in {@code promote}, ranking in {@code
 * rank}, the resumable journal in {@code journal}.
 */
package io.flnas.search;
