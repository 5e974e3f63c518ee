/**
 * flnas: fairness- and hardware-aware neural architecture search driven by large language models
 * (after FL-NAS, arXiv 2402.06696). This package holds the exception family; the parts live in
 * {@link io.flnas.arch} (architectures and their cost), {@link io.flnas.space} (search space,
 * templates, deployment targets), {@link io.flnas.metrics} (fairness and evaluations) and {@link
 * io.flnas.search} (the search loop, designers, objectives and the journal).
 */
package io.flnas;
