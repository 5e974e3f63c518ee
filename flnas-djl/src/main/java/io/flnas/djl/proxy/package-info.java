/**
 * Zero-cost proxies computed with DJL at initialization, for the search's pre-screen ({@link
 * io.flnas.search.Search.Builder#prescreen}): {@link io.flnas.djl.proxy.NaswotScorer} (NASWOT,
 * Mellor et al. 2021) and the walk that collects a block's activations ({@link
 * io.flnas.djl.proxy.ActivationWalk}).
 */
package io.flnas.djl.proxy;
