/**
 * The search loop and its parts: {@link io.flnas.search.Search} and its builder, the pluggable
 * {@link io.flnas.search.Designer}, {@link io.flnas.search.Evaluator}, {@link
 * io.flnas.search.PromptStrategy} and {@link io.flnas.search.Objective}, the offline designers
 * ({@link io.flnas.search.Designers}), listeners, and the resumable JSON Lines {@link
 * io.flnas.search.Journal}.
 */
package io.flnas.search;
