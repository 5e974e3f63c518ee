/**
 * Reusable AssertJ assertions for search results and evaluations; see {@link
 * io.flnas.examples.assertions.FlNasAssertions}.
 */
package io.flnas.examples.assertions;
