/**
 * Training and measuring candidates with DJL on PyTorch: {@link io.flnas.djl.train.DjlEvaluator}
 * (the default evaluator: the training loop, scoring, fairness and bootstrap intervals, latency,
 * throughput and the model's memory), its {@link io.flnas.djl.train.Hyperparameters}, model export,
 * and the native-memory helpers that keep long searches bounded.
 */
package io.flnas.djl.train;
