/**
 * The search loop and its parts: {@link io.flnas.search.Search} and its builder, the pluggable
 * {@link io.flnas.search.design.Designer}, {@link io.flnas.search.Evaluator}, {@link
 * io.flnas.search.design.PromptStrategy}, {@link io.flnas.search.rank.Objective} and the zero-cost {@link
 * io.flnas.search.screen.ProxyScorer} of the pre-screen, the offline designers ({@link
 * io.flnas.search.design.Designers}), listeners, and the resumable JSON Lines {@link
 * io.flnas.search.journal.Journal}.
 */
package io.flnas.search;
