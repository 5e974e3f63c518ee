/**
 * The designers' contract and the offline designers: what a {@link io.flnas.search.design.Designer}
 * sees ({@link io.flnas.search.design.DesignContext}, with the one candidate check the search also
 * applies) and answers ({@link io.flnas.search.design.Proposal}); the prompt types of LLM designers
 * ({@link io.flnas.search.design.PromptStrategy}, {@link io.flnas.search.design.PromptMessage},
 * {@link io.flnas.search.design.Exchange}); the random, evolution and surrogate designers, and the
 * islands of the evolving LLM designer.
 */
package io.flnas.search.design;
