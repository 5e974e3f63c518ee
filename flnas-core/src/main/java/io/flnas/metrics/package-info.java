/**
 * Metrics of a trained candidate: the fairness report and its exact definitions ({@link
 * io.flnas.metrics.FairnessMetrics}), the hardware report, and the {@link
 * io.flnas.metrics.Evaluation} that carries them into the search, the journal and the prompt.
 */
package io.flnas.metrics;
