/**
 * The screening stage of the trial pipeline: a {@link io.flnas.search.screen.Screen} may ask the
 * designer for more candidates than there are free slots and keep the best; the zero-cost
 * pre-screen ({@link io.flnas.search.screen.Prescreen}) scores them with a {@link
 * io.flnas.search.screen.ProxyScorer} at initialization.
 */
package io.flnas.search.screen;
