/**
 * The search loop and its parts: {@link io.flnas.search.Search} and its builder, the pluggable
 * {@link io.flnas.search.Designer}, {@link io.flnas.search.Evaluator}, {@link
 * io.flnas.search.PromptStrategy}, {@link io.flnas.search.Objective} and the zero-cost {@link
 * io.flnas.search.ProxyScorer} of the pre-screen, the offline designers ({@link
 * io.flnas.search.Designers}), listeners, and the resumable JSON Lines {@link
 * io.flnas.search.Journal}.
 */
package io.flnas.search;
